// The scheduler's shared FIFO for tasks woken or spawned from outside a
// worker, and for the overflow of full local queues. A mutex is enough: it is
// off the hot path (workers prefer their local queue and look here only every
// few dozen tasks, or when idle), and `size_` lets them skip the lock when
// the queue is empty.
//
// Tasks wait in blocks: arrays of up to batch_capacity pointers. A worker
// takes a batch by copying pointers, never by following links through the
// tasks themselves: after a burst of spawns those are cold, and a walk along
// them is one cache miss after another (it was a quarter of the running
// worker's time when 1,000,000 tasks were spawned on two workers). Emptied
// blocks are kept for reuse.
//
// A block that cannot be allocated is not a lost task: the tasks are then
// linked through task_core::next into a spill chain, and every push joins
// that chain until it has drained. The blocks (all older) are taken first,
// so the queue stays FIFO.
#pragma once

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <rivet/runtime/detail/task_core.hpp>
#include <utility>

namespace rivet::runtime::detail {

class inject_queue {
public:
    /// The most tasks a block holds (half a local run queue: an overflow).
    static constexpr std::uint32_t batch_capacity = 128;

    inject_queue() = default;
    inject_queue(const inject_queue&) = delete;
    inject_queue& operator=(const inject_queue&) = delete;
    ~inject_queue() {
        for (block* lists : {head_, free_}) {
            while (block* b = lists) {
                lists = b->next;
                delete b;
            }
        }
    }

    void push(task_core* t) noexcept { push_batch(&t, 1); }

    /// Appends `tasks[0..n)` in order; `n` is at most batch_capacity.
    void push_batch(task_core* const* tasks, std::uint32_t n) noexcept {
        assert(n >= 1 && n <= batch_capacity);
        block* fresh = nullptr;  // allocated outside the lock when none was free
        std::unique_lock lock(mutex_);
        for (;;) {
            if (spill_head_ != nullptr) {  // memory ran out: stay behind the spill
                spill(tasks, n);
                break;
            }
            if (tail_ != nullptr && tail_->end + n <= batch_capacity) {
                append(tail_, tasks, n);
                break;
            }
            if (fresh == nullptr) fresh = take_free();
            if (fresh == nullptr) {
                lock.unlock();
                fresh = new (std::nothrow) block;
                lock.lock();
                if (fresh == nullptr) {
                    spill(tasks, n);
                    break;
                }
                continue;  // another pusher may have made room meanwhile
            }
            fresh->next = nullptr;
            fresh->begin = fresh->end = 0;
            (tail_ != nullptr ? tail_->next : head_) = fresh;
            tail_ = std::exchange(fresh, nullptr);
        }
        size_.store(size_.load(std::memory_order_relaxed) + n, std::memory_order_release);
        if (fresh != nullptr) fresh = keep_free(fresh);  // allocated, then not needed
        lock.unlock();
        delete fresh;
    }

    /// Removes the task at the front, or returns null when empty.
    task_core* pop() noexcept {
        task_core* t = nullptr;
        return pop_batch(&t, 1) == 1 ? t : nullptr;
    }

    /// Moves up to `max` tasks (at least one unless empty) from the front
    /// into `out`, oldest first; returns how many.
    std::uint32_t pop_batch(task_core** out, std::uint32_t max) noexcept {
        if (empty()) return 0;
        block* emptied = nullptr;
        std::uint32_t n = 0;
        {
            std::lock_guard lock(mutex_);
            if (block* b = head_) {
                n = std::min(max, b->end - b->begin);
                std::memcpy(out, b->tasks + b->begin, n * sizeof(task_core*));
                b->begin += n;
                if (b->begin == b->end) {
                    head_ = b->next;
                    if (head_ == nullptr) tail_ = nullptr;
                    emptied = keep_free(b);
                }
            } else {
                for (; n < max && spill_head_ != nullptr; ++n) {
                    out[n] = std::exchange(spill_head_, spill_head_->next);
                    out[n]->next = nullptr;
                }
                if (spill_head_ == nullptr) spill_tail_ = nullptr;
            }
            size_.store(size_.load(std::memory_order_relaxed) - n, std::memory_order_release);
        }
        delete emptied;
        return n;
    }

    [[nodiscard]] bool empty() const noexcept { return size_.load(std::memory_order_acquire) == 0; }

private:
    struct block {
        block* next = nullptr;
        std::uint32_t begin = 0;  // the first task not yet taken
        std::uint32_t end = 0;    // one past the last task
        task_core* tasks[batch_capacity];
    };
    // Emptied blocks kept for reuse: enough for a burst's worth of overflow
    // to cycle without malloc, few enough not to hoard.
    static constexpr std::uint32_t max_free = 64;

    // Under the lock: a block kept for reuse, or null.
    block* take_free() noexcept {
        block* b = free_;
        if (b != nullptr) {
            free_ = b->next;
            --free_count_;
        }
        return b;
    }
    // Under the lock: keeps `b` for reuse; returns it when there are enough
    // already (the caller deletes it after unlocking).
    block* keep_free(block* b) noexcept {
        if (free_count_ == max_free) return b;
        b->next = free_;
        free_ = b;
        ++free_count_;
        return nullptr;
    }

    static void append(block* b, task_core* const* tasks, std::uint32_t n) noexcept {
        std::memcpy(b->tasks + b->end, tasks, n * sizeof(task_core*));
        b->end += n;
    }

    // Under the lock.
    void spill(task_core* const* tasks, std::uint32_t n) noexcept {
        for (std::uint32_t i = 0; i + 1 < n; ++i) tasks[i]->next = tasks[i + 1];
        tasks[n - 1]->next = nullptr;
        (spill_tail_ != nullptr ? spill_tail_->next : spill_head_) = tasks[0];
        spill_tail_ = tasks[n - 1];
    }

    std::mutex mutex_;
    block* head_ = nullptr;
    block* tail_ = nullptr;
    block* free_ = nullptr;
    std::uint32_t free_count_ = 0;
    task_core* spill_head_ = nullptr;  // tasks no block could be allocated for
    task_core* spill_tail_ = nullptr;
    std::atomic<std::size_t> size_{0};
};

}  // namespace rivet::runtime::detail
