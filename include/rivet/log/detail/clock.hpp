// clock: the timestamp a logging call takes.
//
// On x86-64 it is the time-stamp counter (rdtsc: about 10 ns on the machine
// of docs/log.md, no system call); the backend converts ticks to wall-clock
// nanoseconds with a rate it refines as it runs (src/log/tick_clock.hpp).
// Elsewhere it is CLOCK_REALTIME in nanoseconds. Ticks order records across
// threads: the counter is invariant and synchronised across cores on the
// CPUs rivet targets.
#pragma once

#include <cstdint>
#include <ctime>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace rivet::log::detail {

/// Now, in ticks (see the overview).
inline std::uint64_t ticks() noexcept {
#if defined(__x86_64__)
    return __rdtsc();
#else
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
#endif
}

}  // namespace rivet::log::detail
