// A hash table from whole paths (or path prefixes) to numbers, for the
// router's matching table: routes without captures by their path, and the
// nodes where captures start by the static prefix that leads to them.
//
// Built once, then only read. Open addressing with linear probing, at most
// a quarter full: most lookups end at their first slot (the branch that goes
// on to the next one is one the processor mispredicts; at half full it was
// taken by about half the router benchmark's lookups, at a quarter by a
// fifth). A slot is one cache line and holds the key's first 40 bytes
// inline, so that a lookup of a key that short reads one line of the table
// (two when the probe runs on) and no other memory.
//
// It also knows which key lengths it holds, up to length_window bytes: a
// caller can skip a lookup, or a whole set of candidate prefixes, with one
// bit test instead of a hash and a probe.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "path_words.hpp"

namespace rivet::http::detail {

class path_index {
public:
    /// The key lengths known one by one: 1 to length_window.
    static constexpr std::size_t length_window = 256;

    /// Adds `key` (not empty, not already present) with `value` (not 0).
    void insert(std::string_view key, std::uint64_t value);

    /// The value of `key`, or 0.
    [[nodiscard]] std::uint64_t find(std::string_view key) const noexcept {
        if (slots_.empty()) return 0;
        const std::uint64_t h = hash(key);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            const slot& s = slots_[i];
            if (s.key_length == 0) return 0;
            if (s.hash != h || s.key_length != key.size()) continue;
            // equal_text reads eight bytes of a key shorter than that: inline
            // keys have inline_key bytes of room, and only they can be so short.
            const char* text = key.size() <= inline_key ? s.head : keys_.data() + s.key;
            if (equal_text(key.data(), key.data(), key.size(), text, key.size())) return s.value;
        }
    }

    /// The hash of `key` (anchor_index's too). Sixteen bytes a step: two
    /// words, xored with constants, multiplied into 128 bits whose halves
    /// are xored, so that every bit of either word reaches every bit of the
    /// result in one multiplication; the steps are chained, the last one on
    /// the last sixteen bytes (overlapping the one before) and the length.
    /// A key of up to 32 bytes, most of them, takes one or two products and
    /// no loop (the rotate-multiply-xor a word that this replaced took about
    /// 35 instructions for 20 bytes, this about 15).
    static std::uint64_t hash(std::string_view key) noexcept {
        constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ULL, k2 = 0xBF58476D1CE4E5B9ULL,
                                k3 = 0x94D049BB133111EBULL, k4 = 0xD6E8FEB86659FD93ULL;
        auto fold = [](std::uint64_t a, std::uint64_t b) {
            const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
            return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
        };
        const char* p = key.data();
        const std::size_t n = key.size();
        if (n <= 8) return fold(load_head(p, p, n) ^ k1, n ^ k2);
        if (n <= 16) return fold(load64(p) ^ k1, load64(p + n - 8) ^ k2 ^ n);
        std::uint64_t h = fold(load64(p) ^ k1, load64(p + 8) ^ k2);
        for (std::size_t i = 16; i + 16 < n; i += 16) {
            h = fold(load64(p + i) ^ k1 ^ h, load64(p + i + 8) ^ k2);
        }
        return fold(load64(p + n - 16) ^ k3 ^ h, load64(p + n - 8) ^ k4 ^ n);
    }

    /// Bit i: a key of length 64 * block + i + 1 is present (block < 4).
    [[nodiscard]] std::uint64_t lengths(std::size_t block) const noexcept {
        return lengths_[block];
    }
    /// Whether a key may have length `n` (exact up to length_window).
    [[nodiscard]] bool may_hold(std::size_t n) const noexcept {
        if (n == 0) return false;
        if (n > length_window) return n <= longest_;
        return (lengths_[(n - 1) / 64] >> ((n - 1) % 64) & 1) != 0;
    }
    /// The length of the longest key (0 when empty).
    [[nodiscard]] std::size_t longest() const noexcept { return longest_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

private:
    static constexpr std::size_t inline_key = 40;
    struct alignas(64) slot {
        std::uint64_t hash = 0;
        std::uint64_t value = 0;
        std::uint32_t key = 0;         // offset of the key in keys_ when longer than inline_key
        std::uint32_t key_length = 0;  // 0: an empty slot
        char head[inline_key] = {};
    };

    void place(const slot& s) noexcept;

    std::vector<slot> slots_;  // a power of two in size, at most a quarter full
    std::string keys_;         // keys longer than inline_key
    std::size_t size_ = 0;
    std::size_t longest_ = 0;
    std::uint64_t lengths_[length_window / 64] = {};
};

}  // namespace rivet::http::detail
