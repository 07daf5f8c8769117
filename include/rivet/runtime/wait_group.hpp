// wait_group: waits for a count of things to finish, as Go's sync.WaitGroup.
//
//     wait_group wg;
//     wg.add(n);  ... each of n jobs calls wg.done() ...  co_await wg.wait();
//
// add() and done() may be called from any thread; wait() suspends a task
// until the count is zero (at once if it is).
#pragma once

#include <cstdint>
#include <mutex>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/event.hpp>
#include <stdexcept>

namespace rivet::runtime {

class wait_group {
public:
    wait_group() = default;
    wait_group(const wait_group&) = delete;
    wait_group& operator=(const wait_group&) = delete;

    /// Adds `n` to the count.
    void add(std::int64_t n = 1) {
        std::lock_guard lock(lock_);
        change(n);
    }

    /// Subtracts one; wakes the waiters when the count reaches zero. Throws
    /// std::logic_error if the count would go below zero.
    void done() {
        std::lock_guard lock(lock_);
        change(-1);
    }

    /// Suspends until the count is zero. Throws cancelled_error if the task
    /// is cancelled first.
    [[nodiscard]] auto wait() noexcept { return zero_.wait(); }

    [[nodiscard]] std::int64_t count() noexcept {
        std::lock_guard lock(lock_);
        return count_;
    }

private:
    void change(std::int64_t n) {
        if (count_ + n < 0)
            throw std::logic_error("wait_group: done() called more often than add()");
        bool was_zero = count_ == 0;
        count_ += n;
        if (was_zero && count_ > 0) zero_.reset();
        if (!was_zero && count_ == 0) zero_.set();
    }

    base::spinlock lock_;
    std::int64_t count_ = 0;
    event zero_{true};
};

}  // namespace rivet::runtime
