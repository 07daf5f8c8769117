// The scheduler's shared FIFO for tasks woken or spawned from outside a
// worker, and for the overflow of full local queues. A mutex is enough: it is
// off the hot path (workers prefer their local queue and look here only every
// few dozen tasks, or when idle), and `size_` lets them skip the lock when
// the queue is empty.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <rivet/runtime/detail/task_core.hpp>

namespace rivet::runtime::detail {

class inject_queue {
public:
    void push(task_core* t) noexcept { push_chain(t, t, 1); }

    /// Appends a chain of `n` tasks linked through task_core::next.
    void push_chain(task_core* first, task_core* last, std::size_t n) noexcept {
        last->next = nullptr;
        std::lock_guard lock(mutex_);
        if (tail_) {
            tail_->next = first;
        } else {
            head_ = first;
        }
        tail_ = last;
        size_.store(size_.load(std::memory_order_relaxed) + n, std::memory_order_release);
    }

    task_core* pop() noexcept { return pop_chain(1); }

    /// Removes up to `max` tasks from the front (at least one unless empty)
    /// as a chain linked through task_core::next; returns its first task.
    /// Takes the lock once for the lot.
    task_core* pop_chain(std::size_t max) noexcept {
        if (empty()) return nullptr;
        std::lock_guard lock(mutex_);
        task_core* first = head_;
        if (first == nullptr) return nullptr;
        std::size_t n = 1;
        task_core* last = first;
        while (n < max && last->next != nullptr) {
            last = last->next;
            ++n;
        }
        head_ = last->next;
        if (head_ == nullptr) tail_ = nullptr;
        last->next = nullptr;
        size_.store(size_.load(std::memory_order_relaxed) - n, std::memory_order_release);
        return first;
    }

    [[nodiscard]] bool empty() const noexcept { return size_.load(std::memory_order_acquire) == 0; }

private:
    std::mutex mutex_;
    task_core* head_ = nullptr;
    task_core* tail_ = nullptr;
    std::atomic<std::size_t> size_{0};
};

}  // namespace rivet::runtime::detail
