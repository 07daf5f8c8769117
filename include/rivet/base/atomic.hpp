// The one thin layer between rivet's concurrency code and the memory model,
// for what std::atomic does not say directly.
#pragma once

#include <atomic>

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

}  // namespace rivet::base
