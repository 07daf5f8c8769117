#include "blocking_pool.hpp"

#include <chrono>
#include <thread>

namespace rivet::runtime::detail {

namespace {
constexpr auto idle_keepalive = std::chrono::seconds(10);
}

void blocking_pool::submit(std::function<void()> job) {
    std::unique_lock lock(mutex_);
    jobs_.push_back(std::move(job));
    if (idle_ > 0) {
        work_ready_.notify_one();
        return;
    }
    if (threads_ < max_threads_) {
        ++threads_;
        try {
            std::thread([this] { thread_main(); }).detach();
        } catch (...) {
            --threads_;
            jobs_.pop_back();
            throw;
        }
    }
}

void blocking_pool::thread_main() noexcept {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (!jobs_.empty()) {
            auto job = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            job();
            lock.lock();
            continue;
        }
        if (stopping_) break;
        ++idle_;
        bool woke = work_ready_.wait_for(lock, idle_keepalive,
                                         [this] { return !jobs_.empty() || stopping_; });
        --idle_;
        if (!woke) break;
    }
    if (--threads_ == 0) all_exited_.notify_all();
}

void blocking_pool::shutdown() noexcept {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    work_ready_.notify_all();
    all_exited_.wait(lock, [this] { return threads_ == 0; });
}

}  // namespace rivet::runtime::detail
