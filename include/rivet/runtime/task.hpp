// task<T>: the coroutine type of rivet.
//
// A task is lazy: calling a coroutine that returns task<T> allocates its frame
// and runs nothing. The body starts when the task is awaited (`co_await t`,
// inside another task) or handed to the scheduler (`spawn`, `block_on`).
// Awaiting transfers control symmetrically into the callee and back to the
// caller when it finishes, so a deep chain of awaits uses no stack and no
// scheduler round trip (with GCC, in optimized builds: at -O0 it does not
// emit the tail call that makes this true). An exception that escapes the body is rethrown from
// the `co_await`.
//
// A task is move-only and owns its frame: destroying a task that has not
// finished destroys the frame. Awaiting it consumes it.
//
// Lifetime rule: a coroutine's reference parameters, and a lambda
// coroutine's captures, are not copied into the frame. Pass values, or use
// spawn(fn, args...), which copies the callable and its arguments into the
// spawned task's frame.
#pragma once

#include <coroutine>
#include <exception>
#include <rivet/runtime/detail/frame_allocator.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <type_traits>
#include <utility>
#include <variant>

namespace rivet::runtime {

template <class T = void>
class [[nodiscard]] task;

namespace detail {

struct task_promise_base : recycled_frame {
    // The awaiting coroutine; null for a spawned task's outermost coroutine.
    std::coroutine_handle<> continuation;

    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) noexcept {
            if (std::coroutine_handle<> next = h.promise().continuation) return next;
            // The outermost coroutine of a spawned task: the task keeps no
            // separate handle to it, so it leaves its (finished) frame where
            // the scheduler looks next (see task_core::resume_point).
            if (task_core* t = current_task()) t->resume_point = h;
            return std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };

    std::suspend_always initial_suspend() const noexcept { return {}; }
    final_awaiter final_suspend() const noexcept { return {}; }
};

template <class T>
struct task_promise : task_promise_base {
    std::variant<std::monostate, T, std::exception_ptr> result;

    task<T> get_return_object() noexcept;
    void unhandled_exception() noexcept { result.template emplace<2>(std::current_exception()); }

    template <class U>
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        result.template emplace<1>(std::forward<U>(value));
    }

    T take_result() {
        if (result.index() == 2) std::rethrow_exception(std::get<2>(result));
        return std::move(std::get<1>(result));
    }

    /// The exception the task ended with, or null.
    [[nodiscard]] std::exception_ptr exception() const noexcept {
        return result.index() == 2 ? std::get<2>(result) : nullptr;
    }
};

template <>
struct task_promise<void> : task_promise_base {
    std::exception_ptr error;

    task<void> get_return_object() noexcept;
    void unhandled_exception() noexcept { error = std::current_exception(); }
    void return_void() const noexcept {}

    void take_result() const {
        if (error) std::rethrow_exception(error);
    }

    /// The exception the task ended with, or null.
    [[nodiscard]] std::exception_ptr exception() const noexcept { return error; }
};

}  // namespace detail

/// A lazily started coroutine producing a `T` (or throwing). Awaiting it runs
/// it to completion and yields its result or rethrows its exception.
template <class T>
class [[nodiscard]] task {
public:
    using promise_type = detail::task_promise<T>;
    using value_type = T;

    task() noexcept = default;
    explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            if (handle_) handle_.destroy();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() {
        if (handle_) handle_.destroy();
    }

    /// True when this task holds a coroutine (it was not moved from).
    [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(handle_); }

    auto operator co_await() noexcept {
        struct awaiter {
            std::coroutine_handle<promise_type> callee;

            bool await_ready() const noexcept { return false; }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
                callee.promise().continuation = caller;
                return callee;
            }
            T await_resume() { return callee.promise().take_result(); }
        };
        return awaiter{handle_};
    }

    /// Gives up ownership of the coroutine frame (used by the scheduler).
    std::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, {}); }

private:
    std::coroutine_handle<promise_type> handle_;
};

namespace detail {

template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
    return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}

inline task<void> task_promise<void>::get_return_object() noexcept {
    return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}

}  // namespace detail

}  // namespace rivet::runtime
