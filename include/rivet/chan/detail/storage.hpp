// What every queue of a channel shares: raw storage for one T in a slot
// (constructed by the sender, destroyed by the receiver or by the queue's
// destructor for what was never received), and the outcome of a push.
#pragma once

#include <bit>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace rivet::chan::detail {

enum class push_status { ok, full, closed };

template <class T>
struct storage {
    alignas(T) std::byte bytes[sizeof(T)];

    template <class U>
    void put(U&& value) {
        ::new (static_cast<void*>(bytes)) T(std::forward<U>(value));
    }
    /// Moves the value out and destroys it in place.
    T take() noexcept(std::is_nothrow_move_constructible_v<T>) {
        T* p = std::launder(reinterpret_cast<T*>(bytes));
        T value(std::move(*p));
        p->~T();
        return value;
    }
    void destroy() noexcept { std::launder(reinterpret_cast<T*>(bytes))->~T(); }
};

/// The slot count for a requested capacity: a power of two (so a position
/// maps to a slot with a mask), at least `minimum`.
inline std::size_t ring_size(std::size_t capacity, std::size_t minimum) noexcept {
    return std::bit_ceil(capacity < minimum ? minimum : capacity);
}

/// Where the two ends of a ring keep their indices apart (no false sharing).
inline constexpr std::size_t cache_line = 64;

}  // namespace rivet::chan::detail
