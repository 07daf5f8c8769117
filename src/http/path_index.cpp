#include "path_index.hpp"

#include <algorithm>
#include <stdexcept>

namespace rivet::http::detail {

void path_index::insert(std::string_view key, std::uint64_t value) {
    if (key.size() >= UINT32_MAX || keys_.size() + key.size() >= UINT32_MAX) {
        throw std::length_error("router: patterns too long");
    }
    if (4 * (size_ + 1) > slots_.size()) {
        std::vector<slot> old = std::move(slots_);
        slots_.assign(std::max<std::size_t>(8, 2 * old.size()), slot{});
        for (const slot& s : old) {
            if (s.key_length != 0) place(s);
        }
    }
    slot s;
    s.hash = hash(key);
    s.value = value;
    s.key_length = static_cast<std::uint32_t>(key.size());
    if (key.size() <= inline_key) {
        key.copy(s.head, inline_key);
    } else {
        s.key = static_cast<std::uint32_t>(keys_.size());
        keys_ += key;
    }
    place(s);
    ++size_;
    longest_ = std::max(longest_, key.size());
    if (key.size() <= length_window)
        lengths_[(key.size() - 1) / 64] |= 1ULL << (key.size() - 1) % 64;
}

void path_index::place(const slot& s) noexcept {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = s.hash & mask;
    while (slots_[i].key_length != 0) i = (i + 1) & mask;
    slots_[i] = s;
}

}  // namespace rivet::http::detail
