#include "tick_clock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <rivet/log/detail/clock.hpp>
#include <thread>

namespace rivet::log::detail {
namespace {

// A tick count and the wall clock read together (retried when preempted).
struct pair_read {
    std::uint64_t ticks;
    std::int64_t ns;
};
pair_read read_together() {
    for (;;) {
        std::uint64_t a = ticks();
        std::int64_t ns = realtime_ns();
        std::uint64_t b = ticks();
        if (b - a < 20'000) return {a + (b - a) / 2, ns};
    }
}

TEST(tick_clock, the_first_conversions_agree_with_the_wall_clock) {
    tick_clock clock;
    for (int i = 0; i < 20; ++i) {
        pair_read now = read_together();
        // Within 100 µs from the first record on: no calibration pause is needed.
        EXPECT_LT(std::llabs(clock.to_ns(now.ticks) - now.ns), 100'000) << "conversion " << i;
        std::this_thread::sleep_for(std::chrono::microseconds(100 << (i % 8)));
    }
}

TEST(tick_clock, later_ticks_convert_to_later_times) {
    tick_clock clock;
    pair_read earlier = read_together();
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    pair_read later = read_together();
    // The later one converted first (the backend sees records out of turn).
    std::int64_t later_ns = clock.to_ns(later.ticks);
    std::int64_t earlier_ns = clock.to_ns(earlier.ticks);
    EXPECT_GT(later_ns - earlier_ns, 2'000'000);
    EXPECT_LT(std::llabs(earlier_ns - earlier.ns), 100'000);
}

}  // namespace
}  // namespace rivet::log::detail
