// The coroutine at the root of every spawned task. Its promise is the
// task_core the scheduler runs, and it holds the result until the
// join_handle takes it. spawn(fn, args...) passes the callable and its
// arguments as this coroutine's parameters, which C++ copies into the frame,
// so they live exactly as long as the task.
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/detail/frame_allocator.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <rivet/runtime/task.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace rivet::runtime::detail {

/// Stored in place of `void` results.
struct no_value {};

template <class T>
using stored_t = std::conditional_t<std::is_void_v<T>, no_value, T>;

template <class T>
struct spawned_promise;

template <class T>
struct spawned_coroutine {
    using promise_type = spawned_promise<T>;
    std::coroutine_handle<promise_type> handle;
};

template <class T>
struct spawned_promise_base : task_core, recycled_frame {
    using value_type = T;
    std::variant<std::monostate, stored_t<T>, std::exception_ptr> result;

    static constexpr vtable table{
        [](task_core* core) {
            auto* self = static_cast<spawned_promise<T>*>(core);
            std::coroutine_handle<spawned_promise<T>>::from_promise(*self).destroy();
        },
        [](task_core* core) -> std::string {
            auto* self = static_cast<spawned_promise<T>*>(core);
            if (self->result.index() != 2) return {};
            try {
                std::rethrow_exception(std::get<2>(self->result));
            } catch (const cancelled_error&) {
                return {};  // being cancelled is not a failure worth reporting
            } catch (const std::exception& e) {
                return e.what();
            } catch (...) {
                return "an exception not derived from std::exception";
            }
        }};

    spawned_promise_base() noexcept {
        cancel_root.task = this;
        vtbl = &table;
    }

    spawned_coroutine<T> get_return_object() noexcept {
        auto& self = static_cast<spawned_promise<T>&>(*this);
        auto h = std::coroutine_handle<spawned_promise<T>>::from_promise(self);
        resume_point = h;
        return {h};
    }

    std::suspend_always initial_suspend() const noexcept { return {}; }

    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<spawned_promise<T>> h) const noexcept {
            h.promise().finished = true;  // the worker completes the task after resume() returns
        }
        void await_resume() const noexcept {}
    };
    final_awaiter final_suspend() const noexcept { return {}; }

    void unhandled_exception() noexcept { result.template emplace<2>(std::current_exception()); }

    [[nodiscard]] bool failed() const noexcept { return result.index() == 2; }

    T take_result() {
        if (result.index() == 2) std::rethrow_exception(std::get<2>(result));
        if constexpr (!std::is_void_v<T>) return std::move(std::get<1>(result));
    }
};

template <class T>
struct spawned_promise : spawned_promise_base<T> {
    template <class U>
    void return_value(U&& value) {
        this->result.template emplace<1>(std::forward<U>(value));
    }
};

template <>
struct spawned_promise<void> : spawned_promise_base<void> {
    void return_void() noexcept { result.emplace<1>(); }
};

template <class Fn, class... Args>
using spawn_result_t = typename std::invoke_result_t<Fn&, Args&&...>::value_type;

template <class Fn, class... Args>
spawned_coroutine<spawn_result_t<Fn, Args...>> run_spawned(Fn fn, Args... args) {
    if constexpr (std::is_void_v<spawn_result_t<Fn, Args...>>) {
        co_await std::invoke(fn, std::move(args)...);
    } else {
        co_return co_await std::invoke(fn, std::move(args)...);
    }
}

template <class T>
spawned_coroutine<T> run_spawned_task(task<T> t) {
    if constexpr (std::is_void_v<T>) {
        co_await std::move(t);
    } else {
        co_return co_await std::move(t);
    }
}

}  // namespace rivet::runtime::detail
