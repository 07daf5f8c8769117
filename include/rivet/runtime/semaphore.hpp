// semaphore: a counting semaphore for tasks, fair (FIFO).
//
// acquire(n) suspends until n permits can be taken; permits go to waiters
// in arrival order, so a large request is not starved by small ones (and a
// small one waits behind a large one at the head of the line). release() may
// be called from any thread.
//
// Cancellation never loses or duplicates a permit: a waiter cancelled before
// its permits were handed over leaves the line (and the waiters behind it
// are reconsidered); one cancelled after they were handed over keeps them
// and returns normally. The cancellation is then seen at its next
// suspension point.
#pragma once

#include <coroutine>
#include <cstddef>
#include <mutex>
#include <rivet/base/intrusive_list.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/detail/waiter.hpp>

namespace rivet::runtime {

class semaphore {
public:
    explicit semaphore(std::size_t permits) : permits_(permits) {}
    semaphore(const semaphore&) = delete;
    semaphore& operator=(const semaphore&) = delete;

    /// Takes `n` permits if they are free and nobody is queued; never waits.
    [[nodiscard]] bool try_acquire(std::size_t n = 1) noexcept {
        std::lock_guard lock(lock_);
        if (!waiters_.empty() || permits_ < n) return false;
        permits_ -= n;
        return true;
    }

    /// Returns `n` permits, handing them to queued tasks in order.
    void release(std::size_t n = 1) noexcept {
        std::lock_guard lock(lock_);
        permits_ += n;
        grant_waiters();
    }

    /// Free permits now (a snapshot).
    [[nodiscard]] std::size_t available() noexcept {
        std::lock_guard lock(lock_);
        return permits_;
    }

    /// Suspends until `n` permits are taken. Throws cancelled_error if the
    /// task is cancelled before they are (see the header comment).
    [[nodiscard]] auto acquire(std::size_t n = 1) noexcept {
        struct awaiter {
            semaphore& s;
            permit_waiter node;
            bool suspended = false;

            bool await_ready() {
                if (s.try_acquire(node.amount)) return true;
                this_task::throw_if_cancelled();
                return false;
            }
            bool await_suspend(std::coroutine_handle<> h) {
                node.prepare(h);
                std::lock_guard lock(s.lock_);
                if (s.waiters_.empty() && s.permits_ >= node.amount) {
                    s.permits_ -= node.amount;
                    return false;
                }
                s.waiters_.push_back(node);
                suspended = true;
                return true;
            }
            void await_resume() {
                if (!suspended) return;
                std::lock_guard lock(s.lock_);
                if (node.granted) return;
                // Woken by a cancellation while still in line.
                s.waiters_.erase(node);
                s.grant_waiters();
                throw cancelled_error();
            }
        };
        awaiter a{*this, {}, false};
        a.node.amount = n;
        return a;
    }

private:
    // A waiter that says how many permits it waits for, and whether it got
    // them. Kept out of detail::waiter, which sits in the frame of every
    // task waiting on an event.
    struct permit_waiter : detail::waiter {
        std::size_t amount = 0;
        bool granted = false;  // set under the lock before the wake

        void grant() noexcept {
            granted = true;
            wake();
        }
    };

    void grant_waiters() noexcept {
        while (permit_waiter* w = waiters_.front()) {
            if (permits_ < w->amount) break;
            permits_ -= w->amount;
            waiters_.pop_front();
            w->grant();
        }
    }

    base::spinlock lock_;
    std::size_t permits_;
    base::intrusive_list<permit_waiter> waiters_;
};

}  // namespace rivet::runtime
