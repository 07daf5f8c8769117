// The scheduler: the workers of one runtime and what they share (the
// injection queue, the idle/searching counts, the registry of tasks spawned
// from outside, the blocking pool).
//
// Parking. A worker with nothing to do counts itself idle, then looks once
// more at the injection queue and the other workers' queues, and only then
// parks in epoll_wait. A thread that makes work available (pushes to the
// injection queue, or to a local queue while others are idle; not a task
// woken into its own LIFO slot, which it runs next) then reads the idle
// count and unparks one worker. Both sides put a sequentially
// consistent fence between their write and their read, so at least one of
// them sees the other: work is never stranded while a worker sleeps.
// Only one worker is woken at a time, and none while another is already
// searching, so a burst of spawns costs at most one wake-up syscall.
//
// Shutdown, in order:
//   1. cancel every linked task (each worker's registry and the
//      external one); tasks spawned from then on start cancelled;
//   2. wait (up to shutdown_timeout) until spawned == completed;
//   3. stop the workers and join their threads; tasks still suspended then
//      are reported and left (their frames may be referenced elsewhere);
//   4. stop the blocking pool and the stall monitor.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <rivet/runtime/config.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <string_view>
#include <thread>
#include <vector>

#include "blocking_pool.hpp"
#include "inject_queue.hpp"
#include "task_registry.hpp"
#include "worker.hpp"

namespace rivet::runtime::detail {

class scheduler {
public:
    explicit scheduler(runtime_config config);
    ~scheduler();
    scheduler(const scheduler&) = delete;
    scheduler& operator=(const scheduler&) = delete;

    /// Starts a new task: gives it a home registry (task_registry.hpp) and
    /// queues it on this worker (or, from outside the runtime, on the
    /// injection queue).
    void spawn(task_core* t) noexcept;

    /// Cancels every task, and every task spawned from now on.
    void cancel_all() noexcept;

    /// Queues a runnable task from a thread that is not one of our workers.
    void schedule_remote(task_core* t) noexcept;

    /// Wakes one parked worker if work is waiting and nobody is searching for
    /// it. After work was put where only a parked worker could find it (the
    /// injection queue), call with `strict`: the store-load barrier of the
    /// parking protocol makes sure a parking worker is not missed. Work pushed
    /// to a worker's own queue is run by that worker anyway; waking a thief is
    /// only a bid for parallelism, and is made without the barrier's cost.
    void notify_one(bool strict) noexcept;

    /// Cancels every task, waits for them to finish (up to the shutdown
    /// timeout), then stops the workers. Idempotent.
    void shutdown() noexcept;

    /// Tasks spawned and not yet finished (exact only when quiescent).
    [[nodiscard]] std::uint64_t live_tasks() const noexcept;

    void report(std::string_view message) const;

    const runtime_config& config() const noexcept { return config_; }
    std::vector<std::unique_ptr<worker>>& workers() noexcept { return workers_; }
    inject_queue& injected() noexcept { return inject_; }
    blocking_pool& blocking() noexcept { return blocking_; }
    [[nodiscard]] bool stopping() const noexcept {
        return stopping_.load(std::memory_order_acquire);
    }

    // Idle bookkeeping, used by workers as the protocol above describes.
    std::atomic<std::uint32_t> idle{0};
    std::atomic<std::uint32_t> searching{0};

private:
    void monitor_stalls() noexcept;

    runtime_config config_;
    task_registry external_;  // tasks spawned from outside the runtime
    inject_queue inject_;
    std::vector<std::unique_ptr<worker>> workers_;
    blocking_pool blocking_;
    std::atomic<bool> stopping_{false};
    bool shut_down_ = false;
    std::atomic<std::uint64_t> remote_spawned_{0};

    std::mutex monitor_mutex_;
    std::condition_variable monitor_wake_;
    bool monitor_stop_ = false;
    std::thread monitor_;
};

}  // namespace rivet::runtime::detail
