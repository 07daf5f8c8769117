// wait_group: waits for a count of things to finish, as Go's sync.WaitGroup.
//
//     wait_group wg;
//     wg.add(n);  ... each of n jobs calls wg.done() ...  co_await wg.wait();
//
// add() and done() may be called from any thread and cost one atomic
// operation unless the count crosses zero; wait() suspends a task until the
// count is zero (at once if it is). A task may destroy the group as soon as
// its wait() returns, even while the last done() is still returning elsewhere.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/event.hpp>
#include <rivet/runtime/task.hpp>
#include <stdexcept>

namespace rivet::runtime {

class wait_group {
public:
    wait_group() = default;
    wait_group(const wait_group&) = delete;
    wait_group& operator=(const wait_group&) = delete;

    /// Adds `n` (which may be negative) to the count; wakes the waiters when
    /// it reaches zero. As with Go's WaitGroup, an add() that raises the count
    /// from zero must happen before the wait() it is meant to hold up. Throws
    /// std::logic_error (and changes nothing) if the count would go below zero.
    void add(std::int64_t n = 1) {
        std::int64_t before = count_.fetch_add(n, std::memory_order_acq_rel);
        std::int64_t after = before + n;
        if (after < 0) {
            count_.fetch_sub(n, std::memory_order_relaxed);
            throw std::logic_error("wait_group: done() called more often than add()");
        }
        if ((before == 0) != (after == 0)) settle();
    }

    /// add(-1).
    void done() { add(-1); }

    /// Suspends until the count is zero. Throws cancelled_error if the task
    /// is cancelled first.
    [[nodiscard]] task<void> wait() {
        co_await zero_.wait();
        // The done() that reached zero may still be inside settle(): pass
        // through its lock so the group can be destroyed once wait() returns.
        std::lock_guard lock(lock_);
    }

    [[nodiscard]] std::int64_t count() const noexcept {
        return count_.load(std::memory_order_acquire);
    }

private:
    // Only the transitions to and from zero touch the event. Each re-reads
    // the count under the lock, so the last to run leaves the event matching
    // the count, whatever order racing transitions arrive in.
    void settle() noexcept {
        std::lock_guard lock(lock_);
        if (count_.load(std::memory_order_acquire) == 0) {
            zero_.set();
        } else {
            zero_.reset();
        }
    }

    std::atomic<std::int64_t> count_{0};
    base::spinlock lock_;
    event zero_{true};
};

}  // namespace rivet::runtime
