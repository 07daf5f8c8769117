// Threads for blocking work (file I/O, DNS, CPU-heavy calls), kept apart
// from the workers so a blocking call never holds a worker. Threads start
// on demand up to a bound and exit after 10 s without work; jobs beyond the
// bound wait in a FIFO.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace rivet::runtime::detail {

class blocking_pool {
public:
    explicit blocking_pool(unsigned max_threads) : max_threads_(max_threads ? max_threads : 1) {}
    ~blocking_pool() { shutdown(); }
    blocking_pool(const blocking_pool&) = delete;
    blocking_pool& operator=(const blocking_pool&) = delete;

    /// Runs `job` on a pool thread; throws std::system_error if no thread can be started.
    void submit(std::function<void()> job);

    /// Runs the jobs already queued, then waits for every pool thread to exit.
    void shutdown() noexcept;

private:
    void thread_main() noexcept;

    const unsigned max_threads_;
    std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable all_exited_;
    std::deque<std::function<void()>> jobs_;
    unsigned threads_ = 0;
    unsigned idle_ = 0;
    bool stopping_ = false;
};

}  // namespace rivet::runtime::detail
