// tick_clock: converts detail::ticks() to wall-clock time.
//
// The conversion is linear: from the latest anchor (a tick count and
// CLOCK_REALTIME read together), at a rate measured from the process's
// origin anchor (taken once, as early as possible) to the latest anchor.
// There is no calibration pause: a tick count is re-anchored (one clock read)
// when it lies further past the latest anchor than the span the rate was
// measured over, or a second. Converting by interpolation between two
// anchors is exact to the anchors' own error (tens of ns); extrapolating by
// at most the measured span keeps the error of the rate within that too. So
// the first records of a run re-anchor a few times (the span doubles each
// time) and a long run once a second, and the rate's error shrinks as the
// process runs.
//
// One tick_clock per converting thread (the backend's renderer, a sync
// writer's): no lock; only the origin is shared, and it is immutable.
#pragma once

#include <cstdint>

namespace rivet::log::detail {

/// Takes the process's origin anchor now if it has not been taken (cheap;
/// idempotent, thread-safe). Called at static initialisation.
void take_clock_origin() noexcept;

/// Wall-clock CLOCK_REALTIME nanoseconds since the epoch.
std::int64_t realtime_ns() noexcept;

class tick_clock {
public:
    /// Wall-clock nanoseconds since the epoch of a tick count.
    std::int64_t to_ns(std::uint64_t t) noexcept {
#if defined(__x86_64__)
        if (t > anchor_ticks_ && t - anchor_ticks_ > reanchor_after_) re_anchor();
        auto delta = static_cast<double>(static_cast<std::int64_t>(t - anchor_ticks_));
        return anchor_ns_ + static_cast<std::int64_t>(delta * ns_per_tick_);
#else
        return static_cast<std::int64_t>(t);  // ticks() is CLOCK_REALTIME there
#endif
    }

private:
    void re_anchor() noexcept;

    std::uint64_t anchor_ticks_ = 0;
    std::int64_t anchor_ns_ = 0;
    double ns_per_tick_ = 0;            // 0 until two anchors differ
    std::uint64_t reanchor_after_ = 0;  // ticks past the anchor that need a new one
};

}  // namespace rivet::log::detail
