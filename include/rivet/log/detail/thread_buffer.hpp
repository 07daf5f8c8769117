// thread_buffer: a logging thread's lock-free single-producer,
// single-consumer ring of records, and the record header.
//
// The producer (the thread that logs) reserves a record's bytes, writes
// them, and commits with one release store of `write_pos_`; the consumer
// (the backend) reads up to an acquired `write_pos_` and gives space back
// with a release store of `read_pos_`. Positions grow forever (64-bit); the
// index is position & mask. A record never wraps: when it does not fit
// before the end, a wrap marker fills the tail and the record starts at 0.
// Records are at most half the ring, so an empty ring always fits one.
//
// Waking the backend without a fence on the hot path: after committing, the
// producer reads `backend_sleeping` with a relaxed load (a compiler barrier
// only). The backend, before it sleeps, sets the flag and then forces a full
// barrier on every thread of the process (membarrier, the asymmetric half of
// Dekker's handshake) before it looks at the rings one last time, so either
// it sees the record or the producer sees the flag (base::light_barrier and
// base::heavy_barrier, which fall back to fences where membarrier is missing).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <rivet/base/atomic.hpp>
#include <rivet/log/detail/call.hpp>
#include <rivet/log/level.hpp>
#include <rivet/runtime/detail/local_binding.hpp>
#include <source_location>

namespace rivet::log {
class logger;
}

namespace rivet::log::detail {

/// The fixed part of a record; the encoded arguments follow it.
struct record_header {
    static constexpr std::uint8_t kind_record = 0;
    static constexpr std::uint8_t kind_wrap = 1;

    std::uint32_t size;  // the whole record, a multiple of 8
    std::uint8_t kind;
    log::level level;
    std::uint64_t ticks;
    std::string_view format;
    std::source_location where;
    decode_fn decode;
    const logger* from;
    runtime::detail::local_binding* context;  // one reference, or null
    const char* task;                         // the task's name, or null
};

/// Set by the backend while it sleeps (see the overview).
inline std::atomic<std::uint32_t> backend_sleeping{0};
/// Wakes the backend (a futex wake), clearing backend_sleeping.
void wake_backend() noexcept;

class thread_buffer {
public:
    thread_buffer(std::size_t capacity, std::uint32_t thread_id);
    ~thread_buffer();
    thread_buffer(const thread_buffer&) = delete;
    thread_buffer& operator=(const thread_buffer&) = delete;

    /// The largest record a ring takes.
    [[nodiscard]] std::uint32_t max_record() const noexcept { return (mask_ + 1) / 2; }

    /// Producer: `n` bytes (a multiple of 8, at most max_record()) for one
    /// record, or null when the ring is full.
    std::byte* reserve(std::uint32_t n) noexcept {
        std::uint64_t w = head_;
        std::uint64_t idx = w & mask_;
        std::uint64_t tail = mask_ + 1 - idx;
        std::uint64_t need = n <= tail ? n : tail + n;
        if (w + need - cached_read_ > mask_ + 1) {
            cached_read_ = read_pos_.load(std::memory_order_acquire);
            if (w + need - cached_read_ > mask_ + 1) return nullptr;
        }
        if (n > tail) {
            auto* marker = reinterpret_cast<record_header*>(data_ + idx);
            marker->size = static_cast<std::uint32_t>(tail);
            marker->kind = record_header::kind_wrap;
            w += tail;
            idx = 0;
        }
        head_ = w + n;
        return data_ + idx;
    }

    /// Producer: publishes the reserved record and wakes a sleeping backend.
    void commit() noexcept {
        write_pos_.store(head_, std::memory_order_release);
        base::light_barrier(backend_sleeping);  // the backend's heavy_barrier does the rest
        if (backend_sleeping.load(std::memory_order_relaxed)) [[unlikely]] {
            wake_backend();
        }
    }

    // Consumer side (the backend).
    [[nodiscard]] std::uint64_t published() const noexcept {
        return write_pos_.load(std::memory_order_acquire);
    }
    [[nodiscard]] const record_header* at(std::uint64_t pos) const noexcept {
        return reinterpret_cast<const record_header*>(data_ + (pos & mask_));
    }
    void release_to(std::uint64_t pos) noexcept { read_pos_.store(pos, std::memory_order_release); }
    [[nodiscard]] std::uint64_t consumed() const noexcept {
        return read_pos_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] std::uint32_t thread_id() const noexcept { return thread_id_; }

    /// Set when the thread exits; the backend frees the ring once it is drained.
    std::atomic<bool> closed{false};

private:
    alignas(64) std::atomic<std::uint64_t> write_pos_{0};
    alignas(64) std::atomic<std::uint64_t> read_pos_{0};
    // The producer's own line: its next position and its view of read_pos_.
    alignas(64) std::uint64_t head_ = 0;
    std::uint64_t cached_read_ = 0;
    std::byte* data_;
    std::uint64_t mask_;
    std::uint32_t thread_id_;
};

/// This thread's ring, or null before its first asynchronous call.
inline thread_local thread_buffer* this_thread_buffer = nullptr;
/// Creates this thread's ring and registers it with the backend.
thread_buffer& make_thread_buffer();

}  // namespace rivet::log::detail
