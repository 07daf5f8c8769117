// waitlist: the receivers (or senders) of a channel that wait for it to
// change, tasks and plain threads alike.
//
// Protocol (no lost wake-ups). A party that finds the channel empty (full)
//   1. links a waiter with add(),
//   2. calls base::heavy_barrier(count()),
//   3. tries again, and sleeps only if that fails too.
// A party that changes the channel
//   1. publishes the change (an item, a free slot, the close),
//   2. calls base::light_barrier(count()),
//   3. calls notify_one() (or notify_all()), which is one relaxed load when
//      nobody waits.
// The barriers order (1) before (3) on both sides, so either the notifier
// sees the waiter or the waiter's retry sees the change.
//
// A notification wakes a waiter to try again; it carries no item. A waiter
// that was notified and leaves without having taken what it was woken for
// (it was cancelled, or timed out) passes the notification on, so the item
// it was meant for is not stranded while others sleep.
//
// The notifier wakes a waiter while holding the lock, and a waiter always
// takes the lock (remove()) before its frame or stack can go: a waiter is
// never touched after it is gone.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <rivet/base/intrusive_list.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/detail/task_core.hpp>

namespace rivet::chan::detail {

/// One waiting party: a task (woken through the runtime) or a thread
/// (parked on a futex). Lives in the task's frame or the thread's stack.
struct waiter : base::list_hook {
    runtime::detail::wait_ticket ticket;   // a task's; null task for a thread
    std::atomic<std::uint32_t> signal{0};  // a thread's futex word: 1 once notified
    bool notified = false;                 // under the waitlist's lock
};

/// Called by a task whose wait did not suspend (what it waited for was
/// there once it was linked) but was notified all the same: that wake came
/// while the task still ran and left it marked `notified`, which would
/// resume its next wait, whatever that waits for, before its time. Drops the
/// mark with the current run's tickets (this wait was their only holder).
inline void drop_early_wake() noexcept { runtime::detail::current_task()->renew_tickets(); }

/// Parks the calling thread until `w.signal` is set or `deadline` passes.
/// Returns false on timeout (the waiter may have been notified meanwhile:
/// remove() tells).
bool park(waiter& w, std::chrono::steady_clock::time_point deadline) noexcept;
/// Wakes a thread parked on `w` (called with the waitlist's lock held).
void unpark(waiter& w) noexcept;

class waitlist {
public:
    /// Links `w` at the back.
    void add(waiter& w) noexcept {
        std::lock_guard lock(lock_);
        w.notified = false;
        list_.push_back(w);
        count_.fetch_add(1, std::memory_order_relaxed);
    }

    /// Unlinks `w`. Returns false when a notification already unlinked it.
    bool remove(waiter& w) noexcept {
        std::lock_guard lock(lock_);
        if (w.notified) return false;
        list_.erase(w);
        count_.fetch_sub(1, std::memory_order_relaxed);
        return true;
    }

    /// Wakes the longest-waiting party, if any.
    [[gnu::always_inline]] void notify_one() noexcept {
        if (count_.load(std::memory_order_relaxed) != 0) notify(false);
    }

    /// Wakes every waiting party.
    [[gnu::always_inline]] void notify_all() noexcept {
        if (count_.load(std::memory_order_relaxed) != 0) notify(true);
    }

    /// The variable both sides' barriers name (see the protocol above).
    std::atomic<std::uint32_t>& count() noexcept { return count_; }

private:
    // Out of line: the fast path above stays one load and a branch.
    [[gnu::noinline]] void notify(bool all) noexcept {
        std::lock_guard lock(lock_);
        while (waiter* w = list_.pop_front()) {
            wake(*w);
            if (!all) break;
        }
    }

    void wake(waiter& w) noexcept {
        count_.fetch_sub(1, std::memory_order_relaxed);
        w.notified = true;
        if (w.ticket.task != nullptr) {
            runtime::detail::task_core::wake(w.ticket);
        } else {
            unpark(w);
        }
    }

    std::atomic<std::uint32_t> count_{0};
    base::spinlock lock_;
    base::intrusive_list<waiter> list_;
};

}  // namespace rivet::chan::detail
