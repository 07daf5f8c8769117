// An armed timer, owned by whoever waits on it and linked into a worker's
// timer heap (src/runtime/timer_heap.hpp) while armed.
#pragma once

#include <chrono>
#include <cstddef>

namespace rivet::runtime::detail {

using clock = std::chrono::steady_clock;

class timer_heap;

struct timer_entry {
    static constexpr std::size_t not_armed = static_cast<std::size_t>(-1);

    clock::time_point deadline{};
    std::size_t index = not_armed;
    void (*fire)(timer_entry&) noexcept = nullptr;  // runs under the heap's lock
    timer_heap* heap = nullptr;                     // where it is armed
};

}  // namespace rivet::runtime::detail
