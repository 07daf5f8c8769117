// Cancellation.
//
// Cancellation is cooperative and hierarchical. Every spawned task has a
// cancellation token; with_timeout and task groups open nested scopes below
// it, and a group's children hang under the group. Cancelling a token
// cancels everything below it; the runtime's shutdown cancels every task.
//
// A cancelled task is not stopped by force. Every suspension point of the
// runtime (sleeps, I/O, joins, locks, channel operations) checks the token
// before suspending and is woken by a cancellation while suspended; it then
// throws cancelled_error, which unwinds the task and releases what it holds.
// CPU-bound loops can poll this_task::is_cancelled(), one relaxed load.
#pragma once

#include <coroutine>
#include <rivet/runtime/detail/task_core.hpp>
#include <stdexcept>

namespace rivet::runtime {

/// Thrown at a suspension point of a task whose scope was cancelled.
class cancelled_error : public std::runtime_error {
public:
    cancelled_error() : std::runtime_error("task cancelled") {}

protected:
    explicit cancelled_error(const char* what) : std::runtime_error(what) {}
};

/// Thrown by with_timeout (and the timeouts of I/O calls) when the time ran out.
class timeout_error : public cancelled_error {
public:
    timeout_error() : cancelled_error("operation timed out") {}
};

namespace this_task {

/// True when the current task (or its innermost scope) has been cancelled;
/// false outside a task.
[[nodiscard]] inline bool is_cancelled() noexcept {
    detail::task_core* t = detail::current_task();
    return t != nullptr && t->is_cancelled();
}

/// Throws cancelled_error if the current task has been cancelled.
inline void throw_if_cancelled() {
    if (is_cancelled()) throw cancelled_error();
}

/// Suspends the current task and puts it at the back of its worker's queue,
/// letting other tasks run. Throws cancelled_error if the task is cancelled.
inline auto yield() noexcept {
    struct awaiter {
        bool await_ready() const {
            throw_if_cancelled();
            return detail::current_task() == nullptr;
        }
        void await_suspend(std::coroutine_handle<> h) const noexcept {
            detail::task_core* t = detail::current_task();
            t->resume_point = h;
            t->wake_current();  // sets `notified`: requeued once this run ends
        }
        void await_resume() const noexcept {}
    };
    return awaiter{};
}

/// The name of the current task (as given to spawn_named), or null outside a task.
[[nodiscard]] inline const char* name() noexcept {
    detail::task_core* t = detail::current_task();
    return t ? t->name() : nullptr;
}

}  // namespace this_task

}  // namespace rivet::runtime
