// What every queue of a channel shares: raw storage for one T in a slot
// (constructed by the sender, destroyed by the receiver or by the queue's
// destructor for what was never received), the outcome of a push, and how a
// received item leaves the awaiter.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
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

/// Whether an optional<T> is a word of payload followed by a word holding
/// the engaged flag in its first byte: libstdc++'s layout for a word-sized
/// scalar. (A compile-time check of the layout is not possible: bit_cast to
/// a type holding a union is not a constant expression; channel_test checks
/// move_out's results instead.)
template <class T>
inline constexpr bool optional_is_two_words =
#if defined(__GLIBCXX__)
    std::is_scalar_v<T> && sizeof(T) == 8 &&
    sizeof(std::optional<T>) == 16 && std::is_trivially_copyable_v<std::optional<T>>;
#else
    false;
#endif

/// Moves `from` into a new optional (what recv() returns). For a word-sized
/// scalar the result is built in a vector register and leaves it in one
/// 16-byte store: the way the compiler builds it otherwise (an 8-byte and a
/// 1-byte store to a temporary, then one 16-byte load to copy it into the
/// caller's variable) defeats store-to-load forwarding, a stall of about a
/// dozen cycles per item, which was most of a receiving task's time.
template <class T>
inline std::optional<T> move_out(std::optional<T>& from) noexcept {
#if defined(__GNUC__) && defined(__SSE2__)
    if constexpr (optional_is_two_words<T>) {
        using two_words = std::uint64_t __attribute__((vector_size(16)));
        const bool engaged = from.has_value();
        const two_words bits = {engaged ? std::bit_cast<std::uint64_t>(*from) : 0, engaged};
        std::optional<T> out;
        __builtin_memcpy(static_cast<void*>(&out), &bits, sizeof out);
        return out;
    }
#endif
    if (!from) return std::nullopt;
    return std::optional<T>(std::move(*from));
}

/// Who closes a channel: a sender, a receiver that may still drain it, or
/// the last receiver as it goes (nobody drains). An spsc ring closes
/// differently for each.
enum class closer { sender, receiver, last_receiver_gone };

/// Where the two ends of a ring keep their indices apart (no false sharing).
inline constexpr std::size_t cache_line = 64;

}  // namespace rivet::chan::detail
