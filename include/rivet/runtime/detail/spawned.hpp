// The root of a spawned task: its task_core, the callable and arguments its
// task<T> is made from, and later its result. The root is one allocation
// (from the recycling frame allocator) beside the task's own frame; the
// scheduler resumes the task's coroutine directly, and sees it finish when
// the coroutine is done (at its final suspend point). The result then moves
// into the root, where the join_handle takes it.
//
// spawn(fn, args...) stores the callable and the arguments in the root and
// calls fn(args...) from there: a lambda's captures, and arguments that the
// coroutine takes by reference, live exactly as long as the task.
#pragma once

#include <concepts>
#include <coroutine>
#include <exception>
#include <functional>
#include <optional>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/detail/frame_allocator.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <rivet/runtime/task.hpp>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

namespace rivet::runtime::detail {

/// Where a spawned task's result waits for its join_handle.
template <class T>
struct task_result {
    std::exception_ptr error;
    std::optional<T> value;

    void take_from(task_promise<T>& promise) noexcept {
        if (auto* e = std::get_if<2>(&promise.result)) {
            error = std::move(*e);
            return;
        }
        try {
            value.emplace(promise.take_result());
        } catch (...) {
            error = std::current_exception();
        }
    }
    T take() {
        if (error) std::rethrow_exception(error);
        return std::move(*value);
    }
};

template <>
struct task_result<void> {
    std::exception_ptr error;

    void take_from(task_promise<void>& promise) noexcept { error = std::move(promise.error); }
    void take() const {
        if (error) std::rethrow_exception(error);
    }
};

template <class T>
struct spawned_root : task_core, recycled_frame {
    using value_type = T;

    task_result<T> result;

    T take_result() { return result.take(); }

    [[nodiscard]] std::exception_ptr exception() const noexcept { return result.error; }

protected:
    void adopt(task<T> t) noexcept {
        root = t.release();
        resume_point = root;
    }

    // At completion: the result moves into the root and the task's frame is
    // destroyed at once, so what it holds (its parameters: sockets, buffers)
    // is released when the task ends, not when it is joined.
    void keep_result() noexcept {
        if (!root) return;  // creating the coroutine failed: result holds why
        result.take_from(
            std::coroutine_handle<task_promise<T>>::from_address(root.address()).promise());
        std::exchange(root, nullptr).destroy();
    }

    // vtable entries shared by the concrete roots.
    template <class Root>
    static void destroy_root(task_core* core) noexcept {
        auto* self = static_cast<Root*>(core);
        if (self->root) std::exchange(self->root, nullptr).destroy();
        delete self;
    }
    static const std::exception_ptr& root_error(task_core* core) noexcept {
        return static_cast<spawned_root*>(core)->result.error;
    }
};

/// A callable spawn can start: `fn(args...)` on decayed copies returns a task.
template <class Fn, class... Args>
concept spawnable = std::invocable < std::decay_t<Fn>
&, std::decay_t<Args>&&... > ;

template <class Fn, class... Args>
using spawn_result_t = typename std::invoke_result_t<Fn&, Args&&...>::value_type;

/// The default Finish: nothing to do.
struct no_finish {
    void operator()(const std::exception_ptr&) const noexcept {}
};

/// A root made from a callable and its arguments, which are destroyed when
/// the task ends. `Finish` is called then, with the task's exception (or
/// null), before anyone can see the task complete (task_group uses it).
template <class T, class Finish, class Fn, class... Args>
struct spawned_call final : spawned_root<T> {
    struct call {
        Fn fn;
        std::tuple<Args...> args;
    };
    [[no_unique_address]] Finish finish;
    // Alive from construction until the task completes (on_finish), so a
    // root destroyed before it completed (never run) destroys it here.
    union {
        call callable;
    };

    template <class F, class... A>
    spawned_call(Finish f, F&& fn, A&&... args)
        : finish(std::move(f)),
          callable{std::forward<F>(fn), std::tuple<Args...>(std::forward<A>(args)...)} {
        this->vtbl = &table;
        this->cancel_root.task = this;
    }
    spawned_call(const spawned_call&) = delete;
    spawned_call& operator=(const spawned_call&) = delete;
    ~spawned_call() {
        if (!this->complete.load(std::memory_order_relaxed)) callable.~call();
    }

    // The coroutine is created on the first run, not at spawn: a burst of
    // spawns then holds only roots, and each task's frame is allocated (and,
    // for short tasks, freed) while it runs, reusing the same cached memory.
    static bool start(task_core* core) noexcept {
        auto* self = static_cast<spawned_call*>(core);
        try {
            self->adopt(std::apply(
                [self](Args&... a) -> task<T> {
                    return std::invoke(self->callable.fn, std::move(a)...);
                },
                self->callable.args));
            return true;
        } catch (...) {
            self->result.error = std::current_exception();
            return false;
        }
    }

    static void on_finish(task_core* core) noexcept {
        auto* self = static_cast<spawned_call*>(core);
        self->keep_result();
        self->callable.~call();
        self->finish(self->exception());
    }
    static constexpr task_core::vtable table{&spawned_call::template destroy_root<spawned_call>,
                                             &spawned_call::root_error, &on_finish, &start};
};

/// A root for an already created task (spawn(task), block_on).
template <class T>
struct spawned_task final : spawned_root<T> {
    explicit spawned_task(task<T> t) noexcept {
        this->vtbl = &table;
        this->cancel_root.task = this;
        this->adopt(std::move(t));
    }

    static void on_finish(task_core* core) noexcept {
        static_cast<spawned_task*>(core)->keep_result();
    }
    static constexpr task_core::vtable table{&spawned_task::template destroy_root<spawned_task>,
                                             &spawned_task::root_error, &on_finish, nullptr};
};

}  // namespace rivet::runtime::detail
