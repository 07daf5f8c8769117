// Reading paths eight bytes at a time, for the router's matching table.
//
// A match compares short texts, looks for the '/' that ends a segment and
// hashes prefixes. Done a byte at a time, each of these is a loop whose exit
// depends on the bytes, a branch the processor mispredicts about once per
// loop; on words, most of them are a few instructions and no branch.
//
// Reads stay inside the bytes the caller names: a word that would run past
// the end of a path is read so that it ends at the path's last byte and is
// shifted into place (load_head). The caller passes where the path begins so
// that this is known to be safe; only a path shorter than eight bytes is
// read a byte at a time.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rivet::http::detail {

static_assert(std::endian::native == std::endian::little, "path_words reads bytes as words");

inline std::uint64_t load64(const char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// The first min(n, 8) bytes at `p` (n > 0) in the low bytes of a word, the
/// others zero. Reads only [begin, p + n): `begin` is where the readable
/// bytes before `p` start (the path's first byte).
inline std::uint64_t load_head(const char* begin, const char* p, std::size_t n) noexcept {
    if (n >= 8) return load64(p);
    if (p + n - begin >= 8) return load64(p + n - 8) >> (8 * (8 - n));
    std::uint64_t v = 0;
    std::memcpy(&v, p, n);
    return v;
}

/// A word whose low `n` bytes are all ones (n <= 8).
inline std::uint64_t low_bytes(std::size_t n) noexcept {
    return n >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * n)) - 1;
}

/// 0x80 in each byte of `word` that is '/', 0 in the others (exact: no
/// borrow from one byte reaches the next).
inline std::uint64_t slash_bytes(std::uint64_t word) noexcept {
    constexpr std::uint64_t lows = 0x7F7F7F7F7F7F7F7FULL;
    const std::uint64_t x = word ^ 0x2F2F2F2F2F2F2F2FULL;
    return ~(((x & lows) + lows) | x | lows);
}

/// slash_bytes with one bit a byte: bit i for byte i.
inline std::uint64_t slash_bits(std::uint64_t word) noexcept {
    // Each 0x01 byte i, times the constant, lands on bit 56 + i alone (no
    // two products share a bit, so nothing carries).
    return ((slash_bytes(word) >> 7) * 0x0102040810204080ULL) >> 56;
}

#if defined(__SSE2__)
/// Bit i: byte i of the sixteen at `p` is '/' (one compare: x86-64 always
/// has SSE2).
inline std::uint32_t slash_bits16(const char* p) noexcept {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('/'))));
}
#endif

/// Bit i: byte i of the `n` (<= 64) bytes at `p` is '/'. `begin`: as load_head's.
inline std::uint64_t slash_bits(const char* begin, const char* p, std::size_t n) noexcept {
    std::uint64_t bits = 0;
    std::size_t k = 0;
#if defined(__SSE2__)
    // Sixteen bytes a compare; the last sixteen overlap the ones before
    // when the path has room, as load_head's word does.
    for (; k + 16 <= n; k += 16) bits |= std::uint64_t{slash_bits16(p + k)} << k;
    if (k < n && p + n - begin >= 16) {
        return bits | std::uint64_t{slash_bits16(p + n - 16) >> (16 - (n - k))} << k;
    }
#endif
    for (; k + 8 <= n; k += 8) bits |= slash_bits(load64(p + k)) << k;
    if (k < n) bits |= slash_bits(load_head(begin, p + k, n - k)) << k;
    return bits;
}

/// slash_bits of a whole path shorter than 64 bytes (bits past its end are
/// zero).
inline std::uint64_t slash_bits_of_path(const char* p, std::size_t n) noexcept {
#if defined(__SSE2__)
    // Sixteen bytes a compare, the last sixteen overlapping the ones before:
    // a byte seen twice gives the same bit twice. No loop: a short path
    // takes two to four compares, chosen by branches on its length that a
    // server's paths keep predictable.
    if (n >= 16) {
        std::uint64_t bits = slash_bits16(p) | std::uint64_t{slash_bits16(p + n - 16)} << (n - 16);
        if (n > 32) bits |= std::uint64_t{slash_bits16(p + 16)} << 16;
        if (n > 48) bits |= std::uint64_t{slash_bits16(p + 32)} << 32;
        return bits;
    }
#endif
    return slash_bits(p, p, n);
}

/// The length of the segment that starts `rest` (up to its first '/', or
/// all of it). `begin`: as load_head's.
inline std::size_t segment_length(const char* begin, const char* rest, std::size_t size) noexcept {
    std::size_t k = 0;
#if defined(__SSE2__)
    // Most segments end within sixteen bytes: one compare, on the first
    // sixteen or on the sixteen that end `rest` when it is shorter.
    if (size >= 16) {
        if (const std::uint32_t s = slash_bits16(rest); s != 0) {
            return static_cast<std::size_t>(std::countr_zero(s));
        }
        k = 16;
    } else if (rest + size - begin >= 16) {
        const std::uint32_t s = slash_bits16(rest + size - 16) >> (16 - size);
        return s != 0 ? static_cast<std::size_t>(std::countr_zero(s)) : size;
    }
#endif
    for (; k + 8 <= size; k += 8) {
        if (const std::uint64_t s = slash_bytes(load64(rest + k)); s != 0) {
            return k + static_cast<std::size_t>(std::countr_zero(s)) / 8;
        }
    }
    if (k == size) return size;
    const std::uint64_t s = slash_bytes(load_head(begin, rest + k, size - k));
    return s != 0 ? k + static_cast<std::size_t>(std::countr_zero(s)) / 8 : size;
}

/// Whether the `n` bytes at `a` and `b` are equal. `a` must have
/// `a_readable` >= n bytes readable from it (with `a_begin` as load_head's),
/// `b` at least max(n, 8). Eight bytes at a time, the last word overlapping
/// the one before, so that no loop exit depends on where the bytes differ.
inline bool equal_text(const char* a_begin, const char* a, std::size_t a_readable, const char* b,
                       std::size_t n) noexcept {
    if (n <= 8) return ((load_head(a_begin, a, a_readable) ^ load64(b)) & low_bytes(n)) == 0;
    std::uint64_t differ = (load64(a) ^ load64(b)) | (load64(a + n - 8) ^ load64(b + n - 8));
    // Up to 32 bytes (most keys and texts) without a loop, the words at 8
    // and n - 16 overlapping the others as needed: a loop here is
    // vectorised, and its set-up costs more than the compares; and a branch
    // on the length between 17 and 32 (keys of 23 to 25 bytes, say) is one
    // that gets mispredicted.
    if (n > 16) {
        differ |= (load64(a + 8) ^ load64(b + 8)) | (load64(a + n - 16) ^ load64(b + n - 16));
        for (std::size_t k = 16; k + 16 < n; k += 8) differ |= load64(a + k) ^ load64(b + k);
    }
    return differ == 0;
}

}  // namespace rivet::http::detail
