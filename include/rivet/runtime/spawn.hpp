// Spawning tasks and joining them.
//
// spawn(fn, args...) starts `fn(args...)` as a new task on the current
// runtime and returns its join_handle. The callable and the arguments are
// copied (or moved) into the new task's root, so they live as long as the
// task: a lambda's captures stay valid across every suspension, and so do
// arguments passed by value. They are destroyed as the task finishes.
// Passing a pointer or a reference_wrapper is the caller's promise that the
// pointee outlives the task.
//
// spawn is unstructured: the new task belongs to the runtime, not to the
// spawning task, and runs until it finishes, is cancelled through its handle,
// or the runtime shuts down. Children that must end with their parent belong
// in a task_group.
//
// A join_handle awaits the task's result, cancels it, or detaches it.
// Dropping a handle without detaching cancels the task: a task nobody waits
// for and nobody meant to keep is not left running by accident.
#pragma once

#include <concepts>
#include <mutex>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/detail/spawned.hpp>
#include <rivet/runtime/task.hpp>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace rivet::runtime {

namespace detail {
/// Starts `t` on the current runtime, under the current task's scope; throws
/// std::logic_error outside a runtime (and then destroys nothing: the caller does).
void start_spawned(task_core* t);
}  // namespace detail

/// Owns the right to a spawned task's result. Move-only.
template <class T>
class [[nodiscard]] join_handle {
public:
    join_handle() noexcept = default;
    explicit join_handle(detail::spawned_root<T>* promise) noexcept : promise_(promise) {}
    join_handle(join_handle&& other) noexcept : promise_(std::exchange(other.promise_, nullptr)) {}
    join_handle& operator=(join_handle&& other) noexcept {
        if (this != &other) {
            drop();
            promise_ = std::exchange(other.promise_, nullptr);
        }
        return *this;
    }
    join_handle(const join_handle&) = delete;
    join_handle& operator=(const join_handle&) = delete;
    /// Cancels the task unless it was detached or has finished.
    ~join_handle() { drop(); }

    /// True unless moved from or detached.
    [[nodiscard]] bool valid() const noexcept { return promise_ != nullptr; }

    /// Requests cancellation of the task (and its children); returns at once.
    void cancel() noexcept {
        if (promise_) detail::cancel(*promise_);
    }

    /// Lets the task run on with nobody to join it; an exception it ends with
    /// is reported by the runtime. The handle becomes empty.
    void detach() noexcept {
        if (!promise_) return;
        bool report_now;
        {
            std::lock_guard lock(promise_->join_lock);
            report_now = promise_->complete.load(std::memory_order_relaxed);
            promise_->detached = true;
        }
        if (report_now) detail::report_detached_failure(promise_);
        std::exchange(promise_, nullptr)->release();
    }

    /// True once the task has finished (returned or thrown).
    [[nodiscard]] bool is_finished() const noexcept {
        return promise_ && promise_->complete.load(std::memory_order_acquire);
    }

    /// Suspends until the task finishes, then returns its result or rethrows
    /// its exception. Throws cancelled_error if the awaiting task is
    /// cancelled first; the joined task runs on (until this handle is dropped).
    auto operator co_await() noexcept {
        struct awaiter {
            detail::spawned_root<T>* p;
            detail::wait_ticket ticket;  // registered in the task while waiting

            bool await_ready() const {
                if (p->complete.load(std::memory_order_acquire)) return true;
                this_task::throw_if_cancelled();
                return false;
            }
            bool await_suspend(std::coroutine_handle<> h) {
                detail::task_core* self = detail::current_task();
                if (self == nullptr) throw std::logic_error("join_handle awaited outside a task");
                std::lock_guard lock(p->join_lock);
                if (p->complete.load(std::memory_order_relaxed)) return false;
                ticket = self->ticket();
                p->joiner = &ticket;
                self->resume_point = h;
                return true;
            }
            T await_resume() const {
                bool done;
                {
                    std::lock_guard lock(p->join_lock);
                    p->joiner = nullptr;
                    done = p->complete.load(std::memory_order_relaxed);
                }
                if (!done) throw cancelled_error();
                return p->take_result();
            }
        };
        return awaiter{promise_, {}};
    }

    /// Blocks the calling thread (which must not be a worker) until the task
    /// finishes; returns its result or rethrows its exception.
    T join_blocking() {
        {
            std::lock_guard lock(promise_->join_lock);
            promise_->blocking_joiner = true;
        }
        promise_->complete.wait(false, std::memory_order_acquire);
        return promise_->take_result();
    }

private:
    void drop() noexcept {
        if (!promise_) return;
        if (!promise_->complete.load(std::memory_order_acquire)) {
            detail::cancel(*promise_);
        }
        std::exchange(promise_, nullptr)->release();
    }

    detail::spawned_root<T>* promise_ = nullptr;
};

namespace detail {

template <class T>
join_handle<T> start(spawned_root<T>* root) {
    try {
        start_spawned(root);
    } catch (...) {
        root->vtbl->destroy(root);
        throw;
    }
    return join_handle<T>(root);
}

template <class Role, class Fn, class... Args>
auto make_call(Role role, Fn&& fn, Args&&... args) {
    using T = spawn_result_t<std::decay_t<Fn>, std::decay_t<Args>...>;
    return new spawned_call<T, Role, std::decay_t<Fn>, std::decay_t<Args>...>(
        std::move(role), std::forward<Fn>(fn), std::forward<Args>(args)...);
}

}  // namespace detail

/// Starts `fn(args...)`, which must return a task, as a new task on the
/// current runtime. Throws std::logic_error when called outside a runtime.
template <class Fn, class... Args>
requires detail::spawnable<Fn, Args...>
auto spawn(Fn&& fn, Args&&... args) {
    return detail::start(
        detail::make_call(detail::plain_role{}, std::forward<Fn>(fn), std::forward<Args>(args)...));
}

/// Starts an already created task. Its coroutine's parameters were copied into
/// its frame when it was called; references among them must outlive it.
/// Throws std::invalid_argument when `t` is empty (moved from).
template <class T>
join_handle<T> spawn(task<T> t) {
    return detail::start(new detail::spawned_task<T>(std::move(t)));
}

/// As spawn(fn, args...), naming the task (for stall reports and logs);
/// `name` must outlive the task (a string literal does).
template <class Fn, class... Args>
requires detail::spawnable<Fn, Args...>
auto spawn_named(const char* name, Fn&& fn, Args&&... args) {
    return detail::start(detail::make_call(detail::named_role{name}, std::forward<Fn>(fn),
                                           std::forward<Args>(args)...));
}

}  // namespace rivet::runtime
