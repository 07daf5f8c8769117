// Parking a plain thread on a channel: a futex on the waiter's signal word.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <rivet/chan/detail/waitlist.hpp>

namespace rivet::chan::detail {

namespace {

using clock = std::chrono::steady_clock;

timespec to_timespec(clock::time_point t) noexcept {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
    return {static_cast<time_t>(ns.count() / 1'000'000'000),
            static_cast<long>(ns.count() % 1'000'000'000)};
}

}  // namespace

bool park(waiter& w, clock::time_point deadline) noexcept {
    // steady_clock is CLOCK_MONOTONIC on Linux, the clock FUTEX_WAIT_BITSET
    // measures an absolute timeout against.
    const bool forever = deadline == clock::time_point::max();
    const timespec until = forever ? timespec{} : to_timespec(deadline);
    while (w.signal.load(std::memory_order_acquire) == 0) {
        const long rc = syscall(SYS_futex, &w.signal, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0,
                                forever ? nullptr : &until, nullptr, FUTEX_BITSET_MATCH_ANY);
        if (rc != 0 && errno == ETIMEDOUT) return w.signal.load(std::memory_order_acquire) != 0;
    }
    return true;
}

void unpark(waiter& w) noexcept {
    w.signal.store(1, std::memory_order_release);
    syscall(SYS_futex, &w.signal, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, nullptr, nullptr, 0);
}

}  // namespace rivet::chan::detail
