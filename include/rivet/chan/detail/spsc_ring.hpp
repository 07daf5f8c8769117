// spsc_ring: the bounded queue of a single-producer single-consumer channel.
//
// Lamport's ring with cached indices: the producer owns `tail_` and keeps a
// possibly stale copy of `head_`, the consumer the reverse, so in steady
// state each side touches only its own cache line and reads the other's
// index once per lap. Positions grow without wrapping (64-bit); a slot is
// `position & mask`.
//
// Closing: the single sender closes after its own last push, or the single
// receiver closes to say it wants no more; `closed_` carries it.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <rivet/chan/detail/storage.hpp>

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
    template <class U>
    [[gnu::always_inline]] push_status try_push(U& value) {
        if (closed_.load(std::memory_order_relaxed)) return push_status::closed;
        const std::size_t t = tail_.load(std::memory_order_relaxed);
        if (t - head_cache_ > tx_mask_) {
            head_cache_ = head_.load(std::memory_order_acquire);
            if (t - head_cache_ > tx_mask_) return push_status::full;
        }
        tx_slots_[t & tx_mask_].put(std::move(value));
        tail_.store(t + 1, std::memory_order_release);
        return push_status::ok;
    }

    /// Consumer only. Moves the next item into `out` (empty) if there is one.
    [[gnu::always_inline]] bool try_pop(std::optional<T>& out) {
        const std::size_t h = head_.load(std::memory_order_relaxed);
        if (h == tail_cache_) {
            tail_cache_ = tail_.load(std::memory_order_acquire);
            if (h == tail_cache_) return false;
        }
        out.emplace(rx_slots_[h & rx_mask_].take());
        head_.store(h + 1, std::memory_order_release);
        return true;
    }

    /// Items in the ring now (a snapshot).
    [[nodiscard]] std::size_t size() const noexcept {
        return tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_acquire);
    }

    void close() noexcept { closed_.store(true, std::memory_order_release); }
    [[nodiscard]] bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
    /// Closed and nothing left: the consumer has seen the end.
    [[nodiscard]] bool ended() const noexcept { return closed() && size() == 0; }

private:
    // One cache line per side. Each keeps its own copy of the mask and the
    // slot pointer, so neither reads the line the other writes on every
    // item; `closed_` sits with the producer, which checks it on every push.
    alignas(cache_line) std::atomic<std::size_t> tail_{0};
    std::size_t head_cache_ = 0;
    const std::size_t tx_mask_;
    storage<T>* const tx_slots_;
    std::atomic<bool> closed_{false};

    alignas(cache_line) std::atomic<std::size_t> head_{0};
    std::size_t tail_cache_ = 0;
    const std::size_t rx_mask_;
    storage<T>* const rx_slots_;
};

}  // namespace rivet::chan::detail
