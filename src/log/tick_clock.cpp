#include "tick_clock.hpp"

#include <time.h>

#include <atomic>
#include <mutex>
#include <rivet/log/detail/clock.hpp>

namespace rivet::log::detail {
namespace {

std::int64_t realtime_ns() noexcept {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// A pair read as close together as possible: the tick count halfway through
// the clock read.
struct anchor {
    std::uint64_t ticks;
    std::int64_t ns;
};

anchor read_anchor() noexcept {
    std::uint64_t a = ticks();
    std::int64_t ns = realtime_ns();
    std::uint64_t b = ticks();
    return {a + (b - a) / 2, ns};
}

// Readers are the backend and, rarely, threads writing directly; a mutex
// keeps the three values consistent (the backend takes it once a record).
std::mutex lock;
bool calibrated = false;
anchor first, current;
double ns_per_tick = 1.0;

void calibrate_locked() noexcept {
    if (calibrated) return;
    first = read_anchor();
    timespec pause{0, 2'000'000};
    ::nanosleep(&pause, nullptr);
    current = read_anchor();
    ns_per_tick = static_cast<double>(current.ns - first.ns) /
                  static_cast<double>(current.ticks - first.ticks);
    calibrated = true;
}

}  // namespace

void calibrate_ticks() noexcept {
#if defined(__x86_64__)
    std::lock_guard guard(lock);
    calibrate_locked();
#endif
}

std::int64_t ticks_to_ns(std::uint64_t t) noexcept {
#if defined(__x86_64__)
    std::lock_guard guard(lock);
    calibrate_locked();
    if (t > current.ticks && static_cast<double>(t - current.ticks) * ns_per_tick > 1e9) {
        anchor now = read_anchor();
        ns_per_tick =
            static_cast<double>(now.ns - first.ns) / static_cast<double>(now.ticks - first.ticks);
        current = now;
    }
    auto delta = static_cast<double>(static_cast<std::int64_t>(t - current.ticks));
    return current.ns + static_cast<std::int64_t>(delta * ns_per_tick);
#else
    return static_cast<std::int64_t>(t);
#endif
}

}  // namespace rivet::log::detail
