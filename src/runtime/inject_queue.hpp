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
#include <utility>

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

    /// Removes the task at the front, or returns null when empty.
    task_core* pop() noexcept {
        if (empty()) return nullptr;
        std::lock_guard lock(mutex_);
        task_core* t = head_;
        if (t == nullptr) return nullptr;
        head_ = t->next;
        if (head_ == nullptr) tail_ = nullptr;
        t->next = nullptr;
        size_.store(size_.load(std::memory_order_relaxed) - 1, std::memory_order_release);
        return t;
    }

    /// Removes up to `max` tasks from the front (at least one unless empty)
    /// as a chain linked through task_core::next; returns its first task.
    /// `gave_back` is set when tasks beyond `max` were taken and put back:
    /// other workers may have found the queue empty in between.
    ///
    /// Finding where to cut walks the chain through tasks that are likely
    /// cold, so it happens outside the lock: the whole queue is taken in one
    /// short critical section and what is left over goes back to the front
    /// in another. Walking under the lock made a spawning worker sleep on it.
    task_core* pop_chain(std::size_t max, bool& gave_back) noexcept {
        gave_back = false;
        if (empty()) return nullptr;
        task_core* first;
        task_core* last;
        std::size_t n;
        {
            std::lock_guard lock(mutex_);
            first = std::exchange(head_, nullptr);
            if (first == nullptr) return nullptr;
            last = std::exchange(tail_, nullptr);
            n = size_.load(std::memory_order_relaxed);
            size_.store(0, std::memory_order_release);
        }
        if (n <= max) return first;
        task_core* cut = first;
        for (std::size_t i = 1; i < max; ++i) cut = cut->next;
        task_core* rest = std::exchange(cut->next, nullptr);
        {
            // Pushed before anything pushed meanwhile: FIFO order holds.
            std::lock_guard lock(mutex_);
            last->next = head_;
            if (head_ == nullptr) tail_ = last;
            head_ = rest;
            size_.store(size_.load(std::memory_order_relaxed) + n - max, std::memory_order_release);
        }
        gave_back = true;
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
