#include "scheduler.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <rivet/base/atomic.hpp>
#include <string>
#include <thread>

namespace rivet::runtime {

unsigned default_worker_count() noexcept {
    unsigned cores = std::thread::hardware_concurrency();
    if (cores == 0) cores = 1;
    // cgroup v2: "max 100000" or "<quota> <period>".
    std::ifstream in("/sys/fs/cgroup/cpu.max");
    std::string quota;
    long long period = 0;
    if (in >> quota >> period && quota != "max" && period > 0) {
        long long q = std::atoll(quota.c_str());
        if (q > 0) {
            auto limit = static_cast<unsigned>((q + period - 1) / period);  // rounded up
            if (limit >= 1 && limit < cores) return limit;
        }
    }
    return cores;
}

bool default_detect_stalls() noexcept {
#ifdef NDEBUG
    return false;
#else
    return true;
#endif
}

}  // namespace rivet::runtime

namespace rivet::runtime::detail {

scheduler::scheduler(runtime_config config)
    : config_(std::move(config)), external_(*this), blocking_(config_.max_blocking_threads) {
    unsigned n = config_.workers ? config_.workers : default_worker_count();
    workers_.reserve(n);
    for (unsigned i = 0; i < n; ++i) workers_.push_back(std::make_unique<worker>(*this, i));
    for (auto& w : workers_) w->start();
    if (config_.detect_stalls) monitor_ = std::thread([this] { monitor_stalls(); });
}

scheduler::~scheduler() { shutdown(); }

void scheduler::spawn(task_core* t) noexcept {
    worker* w = worker::current();
    if (w != nullptr && &w->owner() == this) {
        bump(w->spawned);
        t->home = &w->registry();
        w->push_local(t, /*lifo=*/false);
    } else {
        remote_spawned_.fetch_add(1, std::memory_order_relaxed);
        t->home = &external_;
        schedule_remote(t);
    }
}

void scheduler::cancel_all() noexcept {
    external_.cancel_all();
    for (auto& w : workers_) w->registry().cancel_all();
    // Tasks in their first run are in no registry yet (task_registry.hpp).
    for (auto& w : workers_) w->cancel_running();
}

void scheduler::schedule_remote(task_core* t) noexcept {
    inject_.push(t);
    notify_one(/*strict=*/true);
}

void scheduler::notify_one(bool strict) noexcept {
    if (strict) base::store_load_barrier(idle);
    if (idle.load(std::memory_order_seq_cst) == 0) return;
    if (searching.load(std::memory_order_seq_cst) != 0) return;
    for (auto& w : workers_) {
        if (w->unpark()) return;
    }
}

std::uint64_t scheduler::live_tasks() const noexcept {
    // Completions first: a task is counted as spawned before it can complete,
    // so reading them in this order never reports fewer live tasks than there were.
    std::uint64_t done = 0;
    for (auto& w : workers_) done += w->completed.load(std::memory_order_acquire);
    std::uint64_t started = remote_spawned_.load(std::memory_order_acquire);
    for (auto& w : workers_) started += w->spawned.load(std::memory_order_acquire);
    return started - done;
}

void scheduler::shutdown() noexcept {
    if (shut_down_) return;
    shut_down_ = true;

    cancel_all();
    auto deadline = std::chrono::steady_clock::now() + config_.shutdown_timeout;
    while (live_tasks() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (std::uint64_t left = live_tasks(); left > 0) {
        report("rivet: " + std::to_string(left) +
               " task(s) did not finish within the shutdown timeout after cancellation; "
               "they are abandoned");
    }

    stopping_.store(true, std::memory_order_release);
    for (auto& w : workers_) w->force_unpark();
    for (auto& w : workers_) w->join();
    blocking_.shutdown();
    {
        std::lock_guard lock(monitor_mutex_);
        monitor_stop_ = true;
    }
    monitor_wake_.notify_all();
    if (monitor_.joinable()) monitor_.join();
}

void scheduler::report(std::string_view message) const {
    if (config_.report) {
        config_.report(message);
        return;
    }
    std::string line(message);
    line += '\n';
    [[maybe_unused]] auto r = ::write(STDERR_FILENO, line.data(), line.size());
}

void scheduler::monitor_stalls() noexcept {
    // A worker whose run counter has not moved for a whole threshold while it
    // is running a task is stalled. Sampling every half threshold reports a
    // stall between 1 and 1.5 thresholds after it began, once per task run.
    struct sample {
        std::uint64_t runs = 0;
        std::chrono::steady_clock::time_point since{};
        bool reported = false;
    };
    std::vector<sample> samples(workers_.size());
    auto period = std::max(config_.stall_threshold / 2, std::chrono::milliseconds(1));
    std::unique_lock lock(monitor_mutex_);
    while (!monitor_wake_.wait_for(lock, period, [this] { return monitor_stop_; })) {
        auto now = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < workers_.size(); ++i) {
            worker& w = *workers_[i];
            std::uint64_t runs = w.runs.load(std::memory_order_relaxed);
            const char* name = w.running_name.load(std::memory_order_relaxed);
            sample& s = samples[i];
            if (runs != s.runs || name == nullptr) {
                s = {runs, now, false};
                continue;
            }
            if (!s.reported && now - s.since >= config_.stall_threshold) {
                s.reported = true;
                auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - s.since);
                report("rivet: stall: task '" + std::string(name) + "' has held worker " +
                       std::to_string(i) + " for at least " + std::to_string(ms.count()) +
                       " ms without suspending (a blocking call inside a task? use "
                       "spawn_blocking)");
            }
        }
    }
}

}  // namespace rivet::runtime::detail
