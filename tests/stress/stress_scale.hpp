// Stress counts, scaled down under ThreadSanitizer, which runs code 5-15x
// slower and tracks at most a few thousand threads' worth of history: the
// interleavings it checks are the same at a tenth of the volume.
#pragma once

namespace rivet::stress {

#if defined(__SANITIZE_THREAD__)
inline constexpr int scale_divisor = 10;
#else
inline constexpr int scale_divisor = 1;
#endif

/// `n` in a normal or ASan build, n / 10 under TSan.
constexpr int scaled(int n) { return n / scale_divisor; }

}  // namespace rivet::stress
