// The runtime: worker threads that run tasks, each with its own run queue,
// reactor (epoll) and timers, plus a pool for blocking work.
//
//     int main() {
//         rivet::runtime::runtime rt;            // one worker per core
//         return rt.block_on(serve());           // runs until serve() finishes
//     }
//
// Work moves between workers only by stealing: a task runs where it was
// spawned or woken unless an idle worker takes it. An idle runtime blocks in
// epoll_wait and uses no CPU. Destroying the runtime shuts it down gracefully:
// every task is cancelled, and the destructor waits (up to
// runtime_config::shutdown_timeout) for them to finish. docs/runtime.md
// describes the model in full.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <rivet/runtime/config.hpp>
#include <rivet/runtime/spawn.hpp>
#include <rivet/runtime/task.hpp>

namespace rivet::runtime {

namespace detail {
class scheduler;
class signal_watcher;
void start_spawned_on(scheduler& sched, task_core* t);
}  // namespace detail

class runtime {
public:
    /// Starts the workers; throws std::system_error when a thread, an epoll
    /// instance or an eventfd cannot be created.
    explicit runtime(runtime_config config = {});
    /// Shuts down (see shutdown()).
    ~runtime();
    runtime(const runtime&) = delete;
    runtime& operator=(const runtime&) = delete;

    /// Runs `t` as a task and blocks the calling thread until it finishes;
    /// returns its result or rethrows its exception. Must not be called from
    /// a worker thread (throws std::logic_error).
    template <class T>
    T block_on(task<T> t) {
        ensure_outside_workers();
        auto* root = new detail::spawned_task<T>(std::move(t), "main");
        start_from_outside(root);
        join_handle<T> handle(root);
        return handle.join_blocking();
    }

    /// Starts `fn(args...)` as a task from any thread; see spawn().
    template <class Fn, class... Args>
    requires detail::spawnable<Fn, Args...>
    auto spawn(Fn&& fn, Args&&... args) {
        auto* root = detail::make_call(detail::plain_role{}, std::forward<Fn>(fn),
                                       std::forward<Args>(args)...);
        start_from_outside(root);
        return join_handle<typename std::remove_pointer_t<decltype(root)>::value_type>(root);
    }

    /// Cancels every task, waits up to shutdown_timeout for them to finish,
    /// then stops the workers. Idempotent; the destructor calls it.
    void shutdown() noexcept;

    /// The number of worker threads.
    [[nodiscard]] unsigned worker_count() const noexcept;

    /// Tasks spawned and not finished yet (a snapshot).
    [[nodiscard]] std::uint64_t live_tasks() const noexcept;

private:
    void ensure_outside_workers() const;
    void start_from_outside(detail::task_core* t) noexcept;

    std::unique_ptr<detail::signal_watcher> signals_;  // before the workers start
    std::unique_ptr<detail::scheduler> scheduler_;
    std::atomic<detail::scheduler*> signal_target_{nullptr};  // set once scheduler_ is
};

/// Creates a runtime, runs `t` on it to completion, shuts the runtime down,
/// and returns `t`'s result (or rethrows its exception).
template <class T>
T block_on(task<T> t, runtime_config config = {}) {
    runtime rt(std::move(config));
    return rt.block_on(std::move(t));
}

}  // namespace rivet::runtime
