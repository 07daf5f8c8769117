#include "tick_clock.hpp"

#include <time.h>

#include <algorithm>
#include <rivet/log/detail/clock.hpp>

namespace rivet::log::detail {
namespace {

struct anchor {
    std::uint64_t ticks;
    std::int64_t ns;
};

// A pair read as close together as possible: the tick count halfway through
// the clock read. A read the thread was preempted in is retried (the
// narrowest of three is kept), so one anchor does not skew the rate.
anchor read_anchor() noexcept {
    anchor best{};
    std::uint64_t best_width = ~std::uint64_t{0};
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::uint64_t a = ticks();
        std::int64_t ns = realtime_ns();
        std::uint64_t b = ticks();
        if (b - a < best_width) {
            best_width = b - a;
            best = {a + (b - a) / 2, ns};
        }
        if (best_width < 2'000) break;  // under a microsecond on any current CPU
    }
    return best;
}

const anchor& origin() noexcept {
    static const anchor first = read_anchor();
    return first;
}

}  // namespace

std::int64_t realtime_ns() noexcept {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void take_clock_origin() noexcept { (void)origin(); }

void tick_clock::re_anchor() noexcept {
    const anchor& o = origin();
    anchor now = read_anchor();
    anchor_ticks_ = now.ticks;
    anchor_ns_ = now.ns;
    if (now.ticks <= o.ticks || now.ns <= o.ns) {
        // Too close to the origin to measure a rate: every tick count maps to
        // this anchor (off by at most the time since it) until the next one.
        ns_per_tick_ = 0;
        reanchor_after_ = 0;
        return;
    }
    std::int64_t span_ns = now.ns - o.ns;
    ns_per_tick_ = static_cast<double>(span_ns) / static_cast<double>(now.ticks - o.ticks);
    reanchor_after_ = static_cast<std::uint64_t>(
        static_cast<double>(std::min<std::int64_t>(span_ns, 1'000'000'000)) / ns_per_tick_);
}

}  // namespace rivet::log::detail
