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
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

namespace rivet::runtime::detail {

/// Where a spawned task's result waits for its join_handle (the error part
/// is task_core.hpp's task_result_base, which the scheduler reads).
template <class T>
struct task_result : task_result_base {
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
struct task_result<void> : task_result_base {
    void take_from(task_promise<void>& promise) noexcept { error = std::move(promise.error); }
    void take() const {
        if (error) std::rethrow_exception(error);
    }
};

template <class T>
struct spawned_root : task_core, recycled_frame {
    using value_type = T;

    T take_result() { return static_cast<task_result<T>*>(vtbl->result(this))->take(); }

protected:
    void adopt(task<T> t) noexcept { resume_point = t.release(); }

    // At completion (the outermost coroutine left its finished frame in
    // resume_point): moves the result out and destroys the task's frame at
    // once, so what it holds (its parameters: sockets, buffers) is released
    // when the task ends, not when it is joined.
    task_result<T> take_finished() noexcept {
        task_result<T> r;
        auto frame = std::coroutine_handle<task_promise<T>>::from_address(
            std::exchange(resume_point, nullptr).address());
        r.take_from(frame.promise());
        frame.destroy();
        return r;
    }

    // vtable entries shared by the concrete roots, which keep their result
    // in a member named `outcome`.
    template <class Root>
    static void destroy(task_core* core) noexcept {
        delete static_cast<Root*>(core);
    }
    template <class Root>
    static task_result_base* result_of(task_core* core) noexcept {
        return &static_cast<Root*>(core)->outcome;
    }

    // A root destroyed before its task ran holds the task's unstarted
    // coroutine, if it was created (spawn(task), block_on). A task that ran
    // is destroyed only once it has finished, when resume_point is null.
    void destroy_unstarted() noexcept {
        if (resume_point) std::exchange(resume_point, nullptr).destroy();
    }
};

/// A callable spawn can start: `fn(args...)` on decayed copies returns a task.
template <class Fn, class... Args>
concept spawnable = std::invocable < std::decay_t<Fn>
&, std::decay_t<Args>&&... > ;

template <class Fn, class... Args>
using spawn_result_t = typename std::invoke_result_t<Fn&, Args&&...>::value_type;

/// What differs between kinds of spawned tasks besides their callable: the
/// name they go by, and what runs as they end, with the task's exception (or
/// null), before anyone can see them complete (task_group's role counts its
/// children there).
struct plain_role {
    static const char* name() noexcept { return "task"; }
    static void finished(const std::exception_ptr&) noexcept {}
};

/// A task given a name by spawn_named.
struct named_role {
    const char* given;
    [[nodiscard]] const char* name() const noexcept { return given; }
    static void finished(const std::exception_ptr&) noexcept {}
};

/// A root made from a callable and its arguments, which are destroyed when
/// the task ends; their storage then holds the result.
template <class T, class Role, class Fn, class... Args>
struct spawned_call final : spawned_root<T> {
    struct call {
        Fn fn;
        std::tuple<Args...> args;
    };
    [[no_unique_address]] Role role;
    // The callable lives from construction until the task ends (on_finish,
    // or a failed start); the result from then on. A root destroyed before
    // its task ran destroys the callable.
    union {
        call callable;
        task_result<T> outcome;
    };

    template <class F, class... A>
    spawned_call(Role r, F&& fn, A&&... args)
        : role(std::move(r)),
          callable{std::forward<F>(fn), std::tuple<Args...>(std::forward<A>(args)...)} {
        this->vtbl = &table;
    }
    spawned_call(const spawned_call&) = delete;
    spawned_call& operator=(const spawned_call&) = delete;
    ~spawned_call() {
        if (this->complete.load(std::memory_order_relaxed)) {
            outcome.~task_result<T>();
        } else {
            callable.~call();
        }
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
            auto error = std::current_exception();
            self->callable.~call();
            new (&self->outcome) task_result<T>();
            self->outcome.error = std::move(error);
            return false;
        }
    }

    static void on_finish(task_core* core) noexcept {
        auto* self = static_cast<spawned_call*>(core);
        if (self->resume_point) {  // else creating the coroutine failed: outcome holds why
            task_result<T> r = self->take_finished();
            self->callable.~call();
            try {
                new (&self->outcome) task_result<T>(std::move(r));
            } catch (...) {  // T's move threw: the joiner gets that instead
                new (&self->outcome) task_result<T>();
                self->outcome.error = std::current_exception();
            }
        }
        self->role.finished(self->outcome.error);
    }
    static const char* name_of(const task_core* core) noexcept {
        return static_cast<const spawned_call*>(core)->role.name();
    }
    static constexpr task_core::vtable table{&spawned_call::template destroy<spawned_call>,
                                             &spawned_call::template result_of<spawned_call>,
                                             &on_finish, &start, &name_of};
};

/// A root for an already created task (spawn(task), block_on).
template <class T>
struct spawned_task final : spawned_root<T> {
    task_result<T> outcome;
    const char* name;

    /// Throws std::invalid_argument when `t` is empty (moved from).
    explicit spawned_task(task<T> t, const char* task_name = "task") : name(task_name) {
        if (!t.valid()) throw std::invalid_argument("rivet::runtime: spawned an empty task");
        this->vtbl = &table;
        this->adopt(std::move(t));
    }
    ~spawned_task() { this->destroy_unstarted(); }

    static void on_finish(task_core* core) noexcept {
        auto* self = static_cast<spawned_task*>(core);
        try {
            self->outcome = self->take_finished();
        } catch (...) {  // T's move threw: the joiner gets that instead
            self->outcome.error = std::current_exception();
        }
    }
    static const char* name_of(const task_core* core) noexcept {
        return static_cast<const spawned_task*>(core)->name;
    }
    static constexpr task_core::vtable table{&spawned_task::template destroy<spawned_task>,
                                             &spawned_task::template result_of<spawned_task>,
                                             &on_finish, nullptr, &name_of};
};

}  // namespace rivet::runtime::detail
