// The router's anchors by their path: the nodes where captures start (see
// route_table.hpp), each with what a match runs from there.
//
// A hash table like path_index (open addressing, linear probing, at most a
// quarter full, one cache line a slot), but a slot also holds the program of
// the anchor's parameter (route_table.hpp) when key and program fit in it
// together: `/api/v1/resource123/` and `:id/items/:item` with its route take 59
// of the 64 bytes. A parametric match then reads one line of the table where it
// read the anchor's slot and then its tail's line, two misses one after the
// other at 1,000 routes. A program that does not fit is kept apart (one
// more line), and a key that does not is too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "path_index.hpp"
#include "path_words.hpp"

namespace rivet::http::detail {

class anchor_index {
public:
    /// What a match tries at an anchor: its parameter's program (null when
    /// the parameter's subtree branches: then `param` is walked), its
    /// parameter node, its wildcard node (0: none).
    struct anchor {
        const std::uint8_t* program;
        std::uint32_t param;
        std::uint32_t wildcard;
    };

    /// An anchor to add: its path (not empty, at most 65,535 bytes, each
    /// key once), its parameter's program (may be empty), its nodes.
    struct entry {
        std::string key;
        std::string program;
        std::uint32_t param;
        std::uint32_t wildcard;
    };

    anchor_index() = default;
    explicit anchor_index(const std::vector<entry>& entries);

    /// The slot of `key`, or null.
    [[nodiscard]] const void* find(std::string_view key) const noexcept {
        const std::uint64_t h = path_index::hash(key);
        const auto tag = static_cast<std::uint8_t>(h >> 56);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const slot& s = slots_[i];
            if (s.key_length == 0) return nullptr;
            if (s.tag != tag || s.key_length != key.size()) continue;
            // equal_text reads eight bytes of the slot's key: an inline key
            // is followed by at least that many bytes of the slot.
            const char* text = key.size() <= inline_key ? s.data : keys_.data() + load32(s.data);
            if (equal_text(key.data(), key.data(), key.size(), text, key.size())) return &s;
        }
    }
    /// The anchor of a slot find() returned.
    [[nodiscard]] anchor at(const void* found) const noexcept {
        const slot& s = *static_cast<const slot*>(found);
        const std::uint8_t* program = nullptr;
        if (s.program == program_apart) {
            program = reinterpret_cast<const std::uint8_t*>(programs_.data()) +
                      load32(s.data + program_offset_at);
        } else if (s.program != 0) {
            program = reinterpret_cast<const std::uint8_t*>(&s) + s.program;
        }
        return {program, s.param, s.wildcard};
    }

    /// Bit i: a key of length 64 * block + i + 1 is present (block < 4).
    [[nodiscard]] std::uint64_t lengths(std::size_t block) const noexcept {
        return lengths_[block];
    }
    /// The length of the longest key (0 when empty).
    [[nodiscard]] std::size_t longest() const noexcept { return longest_; }

private:
    static std::uint32_t load32(const char* p) noexcept {
        std::uint32_t v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static constexpr std::size_t data_bytes = 52;
    static constexpr std::size_t inline_key = 48;  // longer keys are apart
    static constexpr std::size_t program_offset_at = data_bytes - 4;
    static constexpr std::uint8_t program_apart = 0xFF;
    // data: the key (up to inline_key bytes), or its offset in keys_ as four
    // bytes; then the program, or (when it does not fit) its offset in
    // programs_ as the last four bytes.
    struct alignas(64) slot {
        std::uint16_t key_length = 0;  // 0: an empty slot
        std::uint8_t tag = 0;          // the hash's top byte: most other keys fail on it
        std::uint8_t program = 0;      // where the program starts in the slot; 0: none
        std::uint32_t param = 0;
        std::uint32_t wildcard = 0;
        char data[data_bytes] = {};
    };
    static_assert(sizeof(slot) == 64, "a slot is one cache line");

    std::vector<slot> slots_ = std::vector<slot>(1);  // a power of two, at most a quarter full
    std::size_t mask_ = 0;                            // slots_.size() - 1
    std::string keys_;                                // keys that are apart (longer than a word)
    std::string programs_;                            // programs that are apart
    std::size_t longest_ = 0;
    std::uint64_t lengths_[path_index::length_window / 64] = {};
};

}  // namespace rivet::http::detail
