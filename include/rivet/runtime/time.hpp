// Time: sleeping, deadlines and timeouts.
//
// Timers live on the worker where they are armed (a heap per worker, locked,
// so a task resumed elsewhere can still disarm its own). Their resolution is
// a millisecond: an idle worker's epoll_wait timeout is rounded up, never
// down, so a timer never fires early.
//
// A timeout is cancellation with a timer: with_timeout opens a cancellation
// scope around the awaited task and cancels that scope when the time is up.
// The inner task sees cancelled_error at its suspension point, unwinds, and
// with_timeout turns that into timeout_error. An outer cancellation stays a
// cancelled_error.
#pragma once

#include <atomic>
#include <chrono>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <rivet/runtime/detail/timer_entry.hpp>
#include <rivet/runtime/task.hpp>
#include <utility>

namespace rivet::runtime {

using clock = std::chrono::steady_clock;

/// Suspends the current task until `deadline`. Throws cancelled_error if the
/// task is cancelled first.
task<void> sleep_until(clock::time_point deadline);

/// Suspends the current task for `duration`. Throws cancelled_error if the
/// task is cancelled first.
template <class Rep, class Period>
task<void> sleep_for(std::chrono::duration<Rep, Period> duration) {
    return sleep_until(clock::now() + std::chrono::ceil<clock::duration>(duration));
}

namespace detail {

/// A cancellation scope that cancels itself at a deadline. Opened and
/// closed by the same task (it lives in that task's frame).
class timeout_scope {
public:
    explicit timeout_scope(clock::time_point deadline);
    ~timeout_scope();
    timeout_scope(const timeout_scope&) = delete;
    timeout_scope& operator=(const timeout_scope&) = delete;

    /// True when the deadline cancelled the scope and nothing outside it did.
    [[nodiscard]] bool timed_out() const noexcept;

    /// Stops the scope's clock until resume(), which moves the deadline on
    /// by the time spent paused (HTTP's handler deadline does not count the
    /// waits for a client's body). Does nothing once the deadline has fired.
    void pause() noexcept;
    /// Restarts the clock stopped by pause(), on the calling task's worker;
    /// when the timer cannot be armed again, cancels the scope at once.
    void resume() noexcept;

private:
    struct entry : timer_entry {
        cancel_node* node = nullptr;
        std::atomic<bool> fired{false};
    };

    cancel_node* outer_;
    scope_node node_;
    entry timer_;
    clock::duration left_{};  // while paused: the time the deadline had left
    bool paused_ = false;
};

}  // namespace detail

/// Awaits `t`, cancelling it if it has not finished by `deadline`. Returns its
/// result; throws timeout_error if the deadline cancelled it, cancelled_error
/// if the awaiting task was cancelled, or whatever `t` threw.
template <class T>
task<T> with_deadline(clock::time_point deadline, task<T> t) {
    detail::timeout_scope scope(deadline);
    try {
        co_return co_await std::move(t);
    } catch (const cancelled_error&) {
        if (scope.timed_out()) throw timeout_error();
        throw;
    }
}

/// An awaiter object (what `rx.recv()` or `s.acquire()` return), as opposed
/// to a task.
template <class A>
concept awaiter = requires(A& a) {
    a.await_ready();
    a.await_resume();
};

namespace detail {
template <awaiter A>
task<decltype(std::declval<A&>().await_resume())> await_in_task(A a) {
    co_return co_await std::move(a);
}
}  // namespace detail

/// with_deadline for an awaiter: `co_await with_deadline(d, rx.recv())`.
template <awaiter A>
auto with_deadline(clock::time_point deadline, A a) {
    return with_deadline(deadline, detail::await_in_task(std::move(a)));
}

/// As with_deadline, `duration` from now (for a task or an awaiter).
template <class Awaitable, class Rep, class Period>
auto with_timeout(std::chrono::duration<Rep, Period> duration, Awaitable a) {
    return with_deadline(clock::now() + std::chrono::ceil<clock::duration>(duration), std::move(a));
}

}  // namespace rivet::runtime
