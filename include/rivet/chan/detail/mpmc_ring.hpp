// mpmc_ring: the bounded queue of every channel with more than one sender or
// receiver (mpsc, spmc, mpmc).
//
// Dmitry Vyukov's bounded MPMC queue: each slot carries a sequence number
// saying whose turn it is (a sender's for lap n, or a receiver's), and a
// sender (receiver) claims the next position with one CAS on `tail_`
// (`head_`). Positions are claimed in one global order, and receivers take
// them in that order: the channel is FIFO across producers (linearizable),
// which the popular unordered queues are not.
//
// What FIFO costs: a receiver cannot skip a position whose sender has
// claimed it but not yet written it. A sender preempted between its CAS and
// its write holds back every receiver behind it for that time (they see the
// ring as not-yet-ready, wait, and are woken when the write lands); a queue
// that gives up order would let them take later items instead.
//
// Closing sets the low bit of `tail_` (positions count in steps of two), so
// a push and a close are ordered by one atomic variable: a push either
// claimed its position before the close, and will be received, or sees the
// channel closed and keeps its value.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <rivet/chan/detail/storage.hpp>

namespace rivet::chan::detail {

template <class T>
class mpmc_ring {
public:
    explicit mpmc_ring(std::size_t capacity)
        // Two slots at least: with one, "written in lap n" and "free in lap
        // n+1" would be the same sequence number.
        : mask_(ring_size(capacity, 2) - 1), slots_(new slot[mask_ + 1]) {
        for (std::size_t i = 0; i <= mask_; ++i) slots_[i].seq.store(i, std::memory_order_relaxed);
    }
    mpmc_ring(const mpmc_ring&) = delete;
    mpmc_ring& operator=(const mpmc_ring&) = delete;
    ~mpmc_ring() {
        const std::size_t tail = tail_.load() >> 1;
        for (std::size_t h = head_.load(); h != tail; ++h) slots_[h & mask_].value.destroy();
    }

    [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

    /// Any thread. Moves from `value` only when it returns ok.
    template <class U>
    push_status try_push(U& value) {
        std::size_t t = tail_.load(std::memory_order_relaxed);
        for (;;) {
            if (t & closed_bit) return push_status::closed;
            const std::size_t pos = t >> 1;
            slot& s = slots_[pos & mask_];
            const auto turn =
                static_cast<std::ptrdiff_t>(s.seq.load(std::memory_order_acquire) - pos);
            if (turn == 0) {
                if (tail_.compare_exchange_weak(t, t + 2, std::memory_order_relaxed)) {
                    s.value.put(std::move(value));
                    s.seq.store(pos + 1, std::memory_order_release);
                    return push_status::ok;
                }
            } else if (turn < 0) {
                // The slot still holds lap n-1's item: full, unless a
                // receiver has moved on since we read `t`.
                const std::size_t now = tail_.load(std::memory_order_relaxed);
                if (now == t) return push_status::full;
                t = now;
            } else {
                t = tail_.load(std::memory_order_relaxed);
            }
        }
    }

    /// Any thread. Empty also while the next item is claimed but not yet
    /// written (its sender wakes the receivers when it lands).
    bool try_pop(std::optional<T>& out) {
        std::size_t h = head_.load(std::memory_order_relaxed);
        for (;;) {
            slot& s = slots_[h & mask_];
            const auto turn =
                static_cast<std::ptrdiff_t>(s.seq.load(std::memory_order_acquire) - (h + 1));
            if (turn == 0) {
                if (head_.compare_exchange_weak(h, h + 1, std::memory_order_relaxed)) {
                    out.emplace(s.value.take());
                    s.seq.store(h + mask_ + 1, std::memory_order_release);
                    return true;
                }
            } else if (turn < 0) {
                const std::size_t now = head_.load(std::memory_order_relaxed);
                if (now == h) return false;
                h = now;
            } else {
                h = head_.load(std::memory_order_relaxed);
            }
        }
    }

    /// Whether the next position holds a written item (one claimed and not
    /// yet written is not: a receiver waiting on it would go round its wait
    /// loop until the write lands, instead of sleeping until its sender's
    /// wake).
    [[nodiscard]] bool readable() const noexcept {
        std::size_t h = head_.load(std::memory_order_acquire);
        for (;;) {
            const auto turn = static_cast<std::ptrdiff_t>(
                slots_[h & mask_].seq.load(std::memory_order_acquire) - (h + 1));
            if (turn <= 0) return turn == 0;
            h = head_.load(std::memory_order_acquire);  // taken since: look again
        }
    }
    /// Whether the next position is free (one whose receiver has claimed it
    /// and not yet moved its item out is not).
    [[nodiscard]] bool writable() const noexcept {
        std::size_t t = tail_.load(std::memory_order_acquire) >> 1;
        for (;;) {
            const auto turn = static_cast<std::ptrdiff_t>(
                slots_[t & mask_].seq.load(std::memory_order_acquire) - t);
            if (turn <= 0) return turn == 0;
            t = tail_.load(std::memory_order_acquire) >> 1;  // claimed since: look again
        }
    }

    /// Items claimed and not yet received (a snapshot).
    [[nodiscard]] std::size_t size() const noexcept {
        const std::size_t head = head_.load(std::memory_order_acquire);
        const std::size_t tail = tail_.load(std::memory_order_acquire) >> 1;
        return tail > head ? tail - head : 0;
    }

    void close() noexcept { tail_.fetch_or(closed_bit, std::memory_order_acq_rel); }
    [[nodiscard]] bool closed() const noexcept {
        return (tail_.load(std::memory_order_acquire) & closed_bit) != 0;
    }
    /// Closed and every claimed position received: no item can come any more.
    [[nodiscard]] bool ended() const noexcept {
        const std::size_t t = tail_.load(std::memory_order_acquire);
        return (t & closed_bit) != 0 && head_.load(std::memory_order_acquire) >= (t >> 1);
    }

private:
    static constexpr std::size_t closed_bit = 1;

    struct slot {
        std::atomic<std::size_t> seq;
        storage<T> value;
    };

    alignas(cache_line) std::atomic<std::size_t> tail_{0};  // position << 1 | closed_bit
    alignas(cache_line) std::atomic<std::size_t> head_{0};
    alignas(cache_line) const std::size_t mask_;
    const std::unique_ptr<slot[]> slots_;
};

}  // namespace rivet::chan::detail
