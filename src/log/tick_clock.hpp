// tick_clock: converts detail::ticks() to wall-clock time.
//
// The conversion is linear from an anchor (ticks, ns) with a rate measured
// over 2 ms at start and refined whenever ticks_to_ns runs at least a
// second after the last anchor: the rate is then measured over the whole
// span since the first anchor, so its error shrinks as the process runs.
#pragma once

namespace rivet::log::detail {

/// Measures the first rate (about 2 ms); idempotent.
void calibrate_ticks() noexcept;

}  // namespace rivet::log::detail
