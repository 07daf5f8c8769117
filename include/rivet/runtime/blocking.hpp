// spawn_blocking: run blocking work (file I/O, a blocking library call,
// heavy computation) on the runtime's blocking pool instead of a worker.
//
//     std::string text = co_await spawn_blocking(read_file, path);
//
// The awaiting task suspends until the work is done and gets its result or
// its exception. The work cannot be interrupted once started, so the wait is
// not a cancellation point: a task cancelled meanwhile still waits for the
// result (and returns it), and sees the cancellation at its next suspension.
// The callable and arguments are copied into the awaiting coroutine's frame.
#pragma once

#include <concepts>
#include <coroutine>
#include <exception>
#include <functional>
#include <mutex>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/detail/spawned.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <rivet/runtime/task.hpp>
#include <type_traits>
#include <utility>
#include <variant>

namespace rivet::runtime {

namespace detail {

/// What spawn_blocking runs: `fn(args...)` on the copies it keeps.
template <class Fn, class... Args>
concept blocking_job = std::invocable<Fn&, Args&...>;

/// Queues `job` on the current task's blocking pool; throws std::logic_error
/// outside a task.
void submit_blocking(std::function<void()> job);

/// Stored in place of a `void` result.
struct no_value {};

template <class R>
struct blocking_call {
    base::spinlock lock;
    bool done = false;
    bool waiting = false;
    wait_ticket waiter;
    std::variant<std::monostate, std::conditional_t<std::is_void_v<R>, no_value, R>,
                 std::exception_ptr>
        result;

    void finish() noexcept {
        std::lock_guard guard(lock);
        done = true;
        if (waiting) {
            waiting = false;
            task_core::wake(waiter);
        }
    }

    // One wait; woken once spuriously by a cancellation, hence the caller's loop.
    struct wait_once {
        blocking_call& call;
        bool await_ready() {
            std::lock_guard guard(call.lock);
            return call.done;
        }
        bool await_suspend(std::coroutine_handle<> h) {
            task_core* t = current_task();
            std::lock_guard guard(call.lock);
            if (call.done) return false;
            t->resume_point = h;
            call.waiter = t->ticket();
            call.waiting = true;
            return true;
        }
        bool await_resume() {
            std::lock_guard guard(call.lock);
            call.waiting = false;
            return call.done;
        }
    };
};

}  // namespace detail

/// Runs `fn(args...)` on the blocking pool and returns its result (or
/// rethrows its exception) to the awaiting task.
template <class Fn, class... Args>
requires detail::blocking_job<Fn, Args...>
auto spawn_blocking(Fn fn, Args... args) -> task<std::invoke_result_t<Fn&, Args&...>> {
    using result_t = std::invoke_result_t<Fn&, Args&...>;
    detail::blocking_call<result_t> call;
    // The job refers to this frame, which waits for it below whatever happens.
    detail::submit_blocking([&call, &fn, &args...] {
        try {
            if constexpr (std::is_void_v<result_t>) {
                std::invoke(fn, args...);
                call.result.template emplace<1>();
            } else {
                call.result.template emplace<1>(std::invoke(fn, args...));
            }
        } catch (...) {
            call.result.template emplace<2>(std::current_exception());
        }
        call.finish();
    });
    while (!co_await typename detail::blocking_call<result_t>::wait_once{call}) {
    }
    if (call.result.index() == 2) std::rethrow_exception(std::get<2>(call.result));
    if constexpr (!std::is_void_v<result_t>) co_return std::move(std::get<1>(call.result));
}

}  // namespace rivet::runtime
