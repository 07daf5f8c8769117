// event: a manual-reset flag that tasks wait on.
//
// set() wakes every waiting task and lets later waits pass until reset().
// set(), reset() and is_set() may be called from any thread, inside the
// runtime or not; wait() suspends a task (it is a suspension point: a
// cancelled task gets cancelled_error). A task may destroy the event as soon
// as its wait() returns, even while set() is still returning elsewhere.
#pragma once

#include <atomic>
#include <coroutine>
#include <mutex>
#include <rivet/base/intrusive_list.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/detail/waiter.hpp>

namespace rivet::runtime {

class event {
public:
    event() = default;
    explicit event(bool initially_set) : set_(initially_set) {}
    event(const event&) = delete;
    event& operator=(const event&) = delete;

    /// Sets the flag and wakes every waiting task.
    void set() noexcept {
        std::lock_guard lock(lock_);
        set_.store(true, std::memory_order_release);
        while (detail::waiter* w = waiters_.pop_front()) w->wake();
    }

    /// Clears the flag; later waits suspend until the next set().
    void reset() noexcept {
        std::lock_guard lock(lock_);
        set_.store(false, std::memory_order_relaxed);
    }

    [[nodiscard]] bool is_set() const noexcept { return set_.load(std::memory_order_acquire); }

    /// Suspends until the flag is set (returns at once if it is). Throws
    /// cancelled_error if the task is cancelled first.
    [[nodiscard]] auto wait() noexcept {
        struct awaiter {
            event& e;
            detail::waiter node;

            bool await_ready() const {
                // Read under the lock: set() may still be waking others, and
                // a waiter that returns may destroy the event.
                {
                    std::lock_guard lock(e.lock_);
                    if (e.set_.load(std::memory_order_relaxed)) return true;
                }
                this_task::throw_if_cancelled();
                return false;
            }
            bool await_suspend(std::coroutine_handle<> h) {
                node.prepare(h);
                std::lock_guard lock(e.lock_);
                if (e.set_.load(std::memory_order_relaxed)) {
                    node.ticket.task = nullptr;
                    return false;
                }
                e.waiters_.push_back(node);
                return true;
            }
            void await_resume() {
                if (node.ticket.task == nullptr) return;  // did not suspend
                std::lock_guard lock(e.lock_);
                if (node.is_linked()) {  // still waiting: a cancellation woke us
                    e.waiters_.erase(node);
                    throw cancelled_error();
                }
            }
        };
        return awaiter{*this, {}};
    }

private:
    base::spinlock lock_;
    std::atomic<bool> set_{false};
    base::intrusive_list<detail::waiter> waiters_;
};

}  // namespace rivet::runtime
