#include "anchor_index.hpp"

#include <algorithm>
#include <cstddef>
#include <stdexcept>

namespace rivet::http::detail {

anchor_index::anchor_index(const std::vector<entry>& entries) {
    std::size_t size = 8;
    while (size < 4 * entries.size()) size *= 2;
    slots_.assign(size, slot{});
    mask_ = size - 1;
    auto offset_of = [](std::size_t at) {
        if (at >= UINT32_MAX) throw std::length_error("router: patterns too long");
        return static_cast<std::uint32_t>(at);
    };
    for (const entry& e : entries) {
        if (e.key.empty() || e.key.size() > UINT16_MAX) {
            throw std::length_error("router: an anchor's path is too long");
        }
        slot s;
        const std::uint64_t h = path_index::hash(e.key);
        s.key_length = static_cast<std::uint16_t>(e.key.size());
        s.tag = static_cast<std::uint8_t>(h >> 56);
        s.param = e.param;
        s.wildcard = e.wildcard;
        std::size_t used = 4;
        if (e.key.size() <= inline_key) {
            e.key.copy(s.data, e.key.size());
            used = e.key.size();
        } else {
            const std::uint32_t at = offset_of(keys_.size());
            std::memcpy(s.data, &at, sizeof at);
            keys_ += e.key;
        }
        if (!e.program.empty()) {
            if (used + e.program.size() <= data_bytes) {
                s.program = static_cast<std::uint8_t>(offsetof(slot, data) + used);
            } else {
                const std::uint32_t at = offset_of(programs_.size());
                std::memcpy(s.data + program_offset_at, &at, sizeof at);
                programs_ += e.program;
                s.program = program_apart;
            }
            if (s.program != program_apart) e.program.copy(s.data + used, e.program.size());
        }
        std::size_t i = h & mask_;
        while (slots_[i].key_length != 0) i = (i + 1) & mask_;
        slots_[i] = s;
        longest_ = std::max(longest_, e.key.size());
        if (e.key.size() <= path_index::length_window) {
            lengths_[(e.key.size() - 1) / 64] |= 1ULL << (e.key.size() - 1) % 64;
        }
    }
}

}  // namespace rivet::http::detail
