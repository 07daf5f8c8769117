// mutex: mutual exclusion between tasks. Waiting suspends the task (its
// worker runs other tasks), and the lock passes to waiters in FIFO order, so
// no waiter starves.
//
//     auto guard = co_await m.lock();   // released when guard is destroyed
//
// A task cancelled while waiting gets cancelled_error and never holds the
// lock; one cancelled just as the lock was handed to it keeps it (its guard
// is returned) and sees the cancellation at its next suspension point.
// Holding a rivet mutex across a suspension is fine; holding a std::mutex
// across one is not (it would block a worker).
#pragma once

#include <rivet/runtime/semaphore.hpp>
#include <utility>

namespace rivet::runtime {

class mutex;

/// Owns a locked mutex; unlocks on destruction. Move-only.
class [[nodiscard]] mutex_guard {
public:
    mutex_guard() noexcept = default;
    explicit mutex_guard(mutex& m) noexcept : mutex_(&m) {}
    mutex_guard(mutex_guard&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
    mutex_guard& operator=(mutex_guard&& other) noexcept {
        if (this != &other) {
            unlock();
            mutex_ = std::exchange(other.mutex_, nullptr);
        }
        return *this;
    }
    mutex_guard(const mutex_guard&) = delete;
    mutex_guard& operator=(const mutex_guard&) = delete;
    ~mutex_guard() { unlock(); }

    /// Unlocks early (idempotent).
    void unlock() noexcept;
    [[nodiscard]] bool owns_lock() const noexcept { return mutex_ != nullptr; }

private:
    mutex* mutex_ = nullptr;
};

class mutex {
public:
    mutex() = default;
    mutex(const mutex&) = delete;
    mutex& operator=(const mutex&) = delete;

    /// Suspends until the lock is taken; returns its guard. Throws
    /// cancelled_error if the task is cancelled first.
    [[nodiscard]] auto lock() noexcept {
        struct awaiter {
            mutex& m;
            decltype(std::declval<semaphore&>().acquire()) inner;

            bool await_ready() { return inner.await_ready(); }
            bool await_suspend(std::coroutine_handle<> h) { return inner.await_suspend(h); }
            mutex_guard await_resume() {
                inner.await_resume();
                return mutex_guard(m);
            }
        };
        return awaiter{*this, permit_.acquire()};
    }

    /// Takes the lock if it is free; never waits.
    [[nodiscard]] mutex_guard try_lock() noexcept {
        return permit_.try_acquire() ? mutex_guard(*this) : mutex_guard();
    }

private:
    friend class mutex_guard;
    semaphore permit_{1};
};

inline void mutex_guard::unlock() noexcept {
    if (mutex* m = std::exchange(mutex_, nullptr)) m->permit_.release();
}

}  // namespace rivet::runtime
