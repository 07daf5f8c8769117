// A worker's timers: a binary min-heap of intrusive entries, each knowing its
// own position, so arming and disarming are O(log n) and never allocate
// (beyond the heap's vector growing to its high-water mark).
//
// The heap is locked: a task arms a timer on the worker it runs on, but may
// be resumed on another worker and disarm from there. Expired entries fire
// with the lock held; the owner of an entry disarms it under the same lock
// before freeing it, so an entry is never fired after its owner is gone.
// A spinlock: the other worker is rarely there, and every with_timeout arms
// and disarms once, where a std::mutex cost about 100 instructions a pair
// uncontended. Sections are O(log n), except fire_expired with many entries
// due at once; a waiter then yields its CPU (base::spinlock).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/detail/timer_entry.hpp>
#include <vector>

namespace rivet::runtime::detail {

class timer_heap {
public:
    /// Arms `e` (which must not be armed) to fire at `e.deadline`.
    void arm(timer_entry& e);
    /// Disarms `e` if armed here; returns true when it had not fired yet.
    bool disarm(timer_entry& e) noexcept;
    /// Fires every entry due at `now`; returns how many fired.
    std::size_t fire_expired(clock::time_point now) noexcept;
    /// The earliest deadline, if any timer is armed.
    std::optional<clock::time_point> next_deadline() noexcept;
    [[nodiscard]] std::size_t size() noexcept;

private:
    void sift_up(std::size_t i) noexcept;
    void sift_down(std::size_t i) noexcept;
    void place(std::size_t i, timer_entry* e) noexcept {
        heap_[i] = e;
        e->index = i;
    }
    void remove_at(std::size_t i) noexcept;

    base::spinlock lock_;
    std::vector<timer_entry*> heap_;
};

}  // namespace rivet::runtime::detail
