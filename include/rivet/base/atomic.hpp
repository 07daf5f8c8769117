// The one thin layer between rivet's concurrency code and the memory model,
// for what std::atomic does not say directly.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rivet::base {

/// Orders every store before it against every load after it (a store-load
/// barrier), the half of Dekker's handshake that parking needs: "I published
/// work, now I look for sleepers" against "I announced sleep, now I look for
/// work". A seq_cst fence, except under ThreadSanitizer, which does not model
/// fences: there a seq_cst read-modify-write of `shared` (the variable both
/// sides touch) gives TSan the happens-before edge it can see.
template <class T>
inline void store_load_barrier([[maybe_unused]] std::atomic<T>& shared) noexcept {
#if defined(__SANITIZE_THREAD__)
    shared.fetch_add(0, std::memory_order_seq_cst);
#else
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

namespace detail {
/// Whether expedited membarrier is registered: -1 not asked yet, then 0 or 1.
inline constinit std::atomic<signed char> membarrier_state{-1};

[[gnu::cold, gnu::noinline]] inline bool register_membarrier() noexcept {
#if defined(__linux__) && defined(__NR_membarrier)
    // Threads racing here all register (the call is idempotent) and store
    // the same answer.
    const bool ok = syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
#else
    const bool ok = false;
#endif
    membarrier_state.store(ok ? 1 : 0, std::memory_order_relaxed);
    return ok;
}

// Registered while static initialisation runs, in every program that uses
// the barriers below: it takes about 2 us while the process has one thread,
// and 11 to 20 ms (the kernel waits for an RCU grace period) once it has
// two, which would land in a first send or a first log call.
[[maybe_unused]] inline const bool membarrier_registered_at_start = register_membarrier();
}  // namespace detail

/// True when this process can use expedited membarrier (registered once, on
/// first use; false on kernels or sandboxes that refuse it). One load on the
/// fast path: a function-local static would add its guard's check to every
/// channel operation.
[[gnu::always_inline]] inline bool membarrier_available() noexcept {
    const signed char state = detail::membarrier_state.load(std::memory_order_relaxed);
    if (state >= 0) [[likely]]
        return state != 0;
    return detail::register_membarrier();
}

/// An asymmetric store-load barrier: light_barrier on one thread and
/// heavy_barrier on another order the stores before each against the loads
/// after each, as two store_load_barrier calls would. The light side costs
/// nothing on the fast path; the heavy side is a membarrier system call
/// (about 0.5 µs), paid only by a thread or task about to sleep.
///
/// Why: a channel's sender publishes an item, then looks for a sleeping
/// receiver. A seq_cst fence there costs more than the rest of the send (a
/// thread-to-thread ring falls from about 70M to 9M items/s); going to sleep
/// costs a system call anyway, so the sleeper pays for both sides.
///
/// Without membarrier both sides are seq_cst fences; under ThreadSanitizer,
/// which models neither, both are seq_cst read-modify-writes of `shared`.
template <class T>
[[gnu::always_inline]] inline void light_barrier([[maybe_unused]] std::atomic<T>& shared) noexcept {
#if !defined(__SANITIZE_THREAD__)
    if (membarrier_available()) {
        std::atomic_signal_fence(std::memory_order_seq_cst);  // the heavy side does the rest
        return;
    }
#endif
    store_load_barrier(shared);
}

namespace detail {
[[noreturn, gnu::cold, gnu::noinline]] inline void membarrier_failed() noexcept {
    // The light sides already relied on it: a fence here would not pair
    // with them, and carrying on could lose a wake-up.
    std::fputs("rivet: membarrier failed after it was registered\n", stderr);
    std::abort();
}
}  // namespace detail

/// The heavy side of light_barrier (see there).
template <class T>
inline void heavy_barrier([[maybe_unused]] std::atomic<T>& shared) noexcept {
#if !defined(__SANITIZE_THREAD__) && defined(__linux__) && defined(__NR_membarrier)
    if (membarrier_available()) {
        if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
            detail::membarrier_failed();
        return;
    }
#endif
    store_load_barrier(shared);
}

/// heavy_barrier paired with light barriers on several variables: one
/// system call covers them all.
template <class T, std::size_t N>
inline void heavy_barrier_all(const std::array<std::atomic<T>*, N>& shared) noexcept {
#if defined(__SANITIZE_THREAD__)
    for (std::atomic<T>* s : shared) s->fetch_add(0, std::memory_order_seq_cst);
#else
    heavy_barrier(*shared[0]);
#endif
}

}  // namespace rivet::base
