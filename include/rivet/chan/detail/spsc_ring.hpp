// spsc_ring: the bounded queue of a single-producer single-consumer channel.
//
// Lamport's ring with cached indices: the producer owns `tail_` and keeps a
// possibly stale copy of `head_`, the consumer the reverse, so in steady
// state each side touches only its own cache line and reads the other's
// index once per lap. Positions grow without wrapping (64-bit); a slot is
// `position & mask`.
//
// Closing: `end_` is open, or the position the stream ends at (the
// receiver gets the items before it), or, for a moment, closing. The sender
// closes after its own last push: its tail is the end. The receiver closes
// while a push may be under way on another thread, so each side stores,
// then looks at the other's variable (Dekker's handshake, an asymmetric
// barrier: nothing on the push's path, a membarrier in the close): the
// receiver marks closing and reads the tail; the push publishes its tail and
// reads `end_`. At least one of them sees the other. If the push saw open,
// the receiver's tail counts its item, which the drain gets; if it saw the
// close, it waits for the end and takes its item back when the item lies at
// or past it (the receiver never reads there): try_send then reports
// closed, never "accepted" for an item nobody will receive.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <limits>
#include <optional>
#include <rivet/base/atomic.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/chan/detail/storage.hpp>
#include <thread>
#include <utility>

namespace rivet::chan::detail {

template <class T>
class spsc_ring {
public:
    explicit spsc_ring(std::size_t capacity)
        : tx_mask_(ring_size(capacity, 1) - 1),
          tx_slots_(new storage<T>[tx_mask_ + 1]),
          rx_mask_(tx_mask_),
          rx_slots_(tx_slots_) {}
    spsc_ring(const spsc_ring&) = delete;
    spsc_ring& operator=(const spsc_ring&) = delete;
    ~spsc_ring() {
        for (std::size_t h = head_.load(); h != tail_.load(); ++h)
            rx_slots_[h & rx_mask_].destroy();
        delete[] tx_slots_;
    }

    [[nodiscard]] std::size_t capacity() const noexcept { return rx_mask_ + 1; }

    /// Producer only. Moves from `value` only when it returns ok.
    [[gnu::always_inline]] push_status try_push(T& value) {
        if (end_.load(std::memory_order_relaxed) != open) return push_status::closed;
        const std::size_t t = tail_.load(std::memory_order_relaxed);
        if (t - head_cache_ > tx_mask_) {
            head_cache_ = head_.load(std::memory_order_acquire);
            if (t - head_cache_ > tx_mask_) return push_status::full;
        }
        tx_slots_[t & tx_mask_].put(std::move(value));
        tail_.store(t + 1, std::memory_order_release);
        base::light_barrier(end_);
        if (end_.load(std::memory_order_relaxed) != open) [[unlikely]]
            return settle_with_receivers_close(t, value);
        return push_status::ok;
    }

    /// Consumer only. Moves the next item into `out` (empty) if there is one.
    [[gnu::always_inline]] bool try_pop(std::optional<T>& out) {
        const std::size_t h = head_.load(std::memory_order_relaxed);
        if (h == tail_cache_) {
            // Never past the end: an item there is being taken back.
            tail_cache_ = std::min(tail_.load(std::memory_order_acquire),
                                   end_.load(std::memory_order_relaxed));
            if (h == tail_cache_) return false;
        }
        out.emplace(rx_slots_[h & rx_mask_].take());
        head_.store(h + 1, std::memory_order_release);
        return true;
    }

    /// Items in the ring now (a snapshot).
    [[nodiscard]] std::size_t size() const noexcept {
        // Not past the end: an item there is being taken back.
        const std::size_t end = end_.load(std::memory_order_acquire);
        const std::size_t tail = tail_.load(std::memory_order_acquire);
        return (end < closing ? std::min(tail, end) : tail) - head_.load(std::memory_order_acquire);
    }

    /// Closes from the producer's side or the consumer's, on the thread (or
    /// in the task) that pushes or pops: a receiver's close on a third
    /// thread while the consumer pops could let the pop and a push's
    /// take-back both own one item.
    void close(closer by) noexcept {
        std::size_t expected = open;
        // The sender's tail is its own. When the last receiver goes nobody
        // reads up to the end, so a push under way is not waited out (no
        // membarrier): its item goes with the channel, or the push sees the
        // close and takes it back.
        if (by != closer::receiver) {
            end_.compare_exchange_strong(expected, tail_.load(std::memory_order_relaxed),
                                         std::memory_order_acq_rel);
            return;
        }
        if (!end_.compare_exchange_strong(expected, closing, std::memory_order_acq_rel)) return;
        base::heavy_barrier(end_);
        end_.store(tail_.load(std::memory_order_acquire), std::memory_order_release);
    }
    [[nodiscard]] bool closed() const noexcept {
        return end_.load(std::memory_order_acquire) != open;
    }
    /// Closed and everything before the end received.
    [[nodiscard]] bool ended() const noexcept {
        const std::size_t end = end_.load(std::memory_order_acquire);
        return end < closing && head_.load(std::memory_order_acquire) == end;
    }

private:
    static constexpr std::size_t open = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t closing = open - 1;

    /// A push at `t` saw the receiver's close: keeps the item if the
    /// receiver counted it, or takes it back into `value`.
    [[gnu::cold, gnu::noinline]] push_status settle_with_receivers_close(std::size_t t,
                                                                         T& value) noexcept {
        std::size_t end;
        // The receiver is between its barrier and one load: not long, unless it was preempted.
        for (int spins = 0; (end = end_.load(std::memory_order_acquire)) == closing; ++spins) {
            if (spins < 64)
                base::cpu_relax();
            else
                std::this_thread::yield();
        }
        if (t < end) return push_status::ok;
        value = tx_slots_[t & tx_mask_].take();
        tail_.store(t, std::memory_order_release);
        return push_status::closed;
    }

    // One cache line per side. Each keeps its own copy of the mask and the
    // slot pointer, so neither reads the line the other writes on every
    // item; `end_` sits with the producer, which checks it on every push.
    alignas(cache_line) std::atomic<std::size_t> tail_{0};
    std::size_t head_cache_ = 0;
    const std::size_t tx_mask_;
    storage<T>* const tx_slots_;
    std::atomic<std::size_t> end_{open};

    alignas(cache_line) std::atomic<std::size_t> head_{0};
    std::size_t tail_cache_ = 0;
    const std::size_t rx_mask_;
    storage<T>* const rx_slots_;
};

}  // namespace rivet::chan::detail
