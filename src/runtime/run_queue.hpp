// A worker's local run queue: a bounded ring that its owner pushes to and
// pops from, and that idle workers steal half of.
//
// Only the owner writes `tail_`; the owner's pop and every steal advance
// `head_` with a compare-and-swap, so a slot is handed out once. A thief
// copies the slots it wants and then claims them with one CAS; if the owner
// or another thief moved `head_` first, the copies are discarded and it
// retries. The owner never overwrites a slot between `head_` and `tail_`, so
// the copies a successful CAS claims are the live ones.
//
// When the ring is full, the owner moves half of it to the injection queue
// (Tokio's overflow rule), so a burst of spawns never blocks.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <rivet/runtime/detail/task_core.hpp>

namespace rivet::runtime::detail {

class run_queue {
public:
    static constexpr std::uint32_t capacity = 256;

    /// Owner only: appends `t`; returns false when full (nothing was pushed).
    bool try_push(task_core* t) noexcept {
        std::uint32_t tail = tail_.load(std::memory_order_relaxed);
        std::uint32_t head = head_.load(std::memory_order_acquire);
        if (tail - head >= capacity) return false;
        slots_[tail % capacity].store(t, std::memory_order_relaxed);
        tail_.store(tail + 1, std::memory_order_release);
        return true;
    }

    /// Owner only: appends a chain of tasks linked through task_core::next
    /// and publishes them at once. The queue must have room for all of them.
    void push_chain(task_core* first) noexcept {
        std::uint32_t tail = tail_.load(std::memory_order_relaxed);
        for (task_core* t = first; t != nullptr; t = t->next) {
            slots_[tail++ % capacity].store(t, std::memory_order_relaxed);
        }
        tail_.store(tail, std::memory_order_release);
    }

    /// Owner only, when full: removes the oldest half as a chain linked through
    /// task_core::next; returns how many were taken (0 if a thief made room).
    std::uint32_t take_half_for_overflow(task_core*& first, task_core*& last) noexcept {
        for (;;) {
            std::uint32_t head = head_.load(std::memory_order_acquire);
            std::uint32_t tail = tail_.load(std::memory_order_relaxed);
            if (tail - head < capacity) return 0;
            constexpr std::uint32_t n = capacity / 2;
            // Copy first, link only after the CAS: until it succeeds a thief
            // may own (and be running) any of these tasks.
            std::array<task_core*, n> taken;
            for (std::uint32_t i = 0; i < n; ++i) {
                taken[i] = slots_[(head + i) % capacity].load(std::memory_order_relaxed);
            }
            if (!head_.compare_exchange_strong(head, head + n, std::memory_order_acq_rel)) {
                continue;
            }
            for (std::uint32_t i = 0; i + 1 < n; ++i) taken[i]->next = taken[i + 1];
            taken[n - 1]->next = nullptr;
            first = taken[0];
            last = taken[n - 1];
            return n;
        }
    }

    /// Owner only: removes the oldest task, or returns null when empty.
    task_core* pop() noexcept {
        for (;;) {
            std::uint32_t head = head_.load(std::memory_order_acquire);
            std::uint32_t tail = tail_.load(std::memory_order_relaxed);
            if (head == tail) return nullptr;
            task_core* t = slots_[head % capacity].load(std::memory_order_relaxed);
            if (head_.compare_exchange_weak(head, head + 1, std::memory_order_acq_rel)) return t;
        }
    }

    /// Called by the owner of `dst`, which must be empty: moves half of this
    /// queue's tasks into `dst` and returns one of them for the caller to run
    /// now, or null when there was nothing to steal.
    task_core* steal_half_into(run_queue& dst) noexcept {
        for (;;) {
            std::uint32_t head = head_.load(std::memory_order_acquire);
            std::uint32_t tail = tail_.load(std::memory_order_acquire);
            std::uint32_t available = tail - head;
            if (available == 0) return nullptr;
            if (available > capacity) continue;  // read head and tail at different times
            std::uint32_t n = available - available / 2;
            std::uint32_t dst_tail = dst.tail_.load(std::memory_order_relaxed);
            for (std::uint32_t i = 0; i < n; ++i) {
                task_core* t = slots_[(head + i) % capacity].load(std::memory_order_relaxed);
                dst.slots_[(dst_tail + i) % capacity].store(t, std::memory_order_relaxed);
            }
            if (head_.compare_exchange_strong(head, head + n, std::memory_order_acq_rel)) {
                // Keep the last stolen task to run now; publish the rest.
                task_core* run_now =
                    dst.slots_[(dst_tail + n - 1) % capacity].load(std::memory_order_relaxed);
                dst.tail_.store(dst_tail + n - 1, std::memory_order_release);
                return run_now;
            }
        }
    }

    [[nodiscard]] bool empty() const noexcept {
        return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
    }

    [[nodiscard]] std::uint32_t size() const noexcept {
        return tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_acquire);
    }

private:
    alignas(64) std::atomic<std::uint32_t> head_{0};
    alignas(64) std::atomic<std::uint32_t> tail_{0};
    std::array<std::atomic<task_core*>, capacity> slots_{};
};

}  // namespace rivet::runtime::detail
