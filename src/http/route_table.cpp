#include "route_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace rivet::http::detail {

namespace {

std::uint64_t load64(const char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Whether the `length` bytes at `a` and `b` are equal, bytes [0, skip)
// excepted (known equal). Eight bytes at a time, the last word overlapping
// the one before, so that the loop's exit does not depend on where the
// bytes differ.
bool equal_text(const char* a, const char* b, std::uint32_t length, std::uint32_t skip) noexcept {
    if (length < 8) {
        for (std::uint32_t k = skip; k < length; ++k) {
            if (a[k] != b[k]) return false;
        }
        return true;
    }
    std::uint64_t differ = 0;
    std::uint32_t k = 0;
    for (; k + 8 < length; k += 8) differ |= load64(a + k) ^ load64(b + k);
    differ |= load64(a + length - 8) ^ load64(b + length - 8);
    return differ == 0;
}

// The hash of a whole path for the static index: eight bytes at a time, the
// last word overlapping the one before (bytes one at a time below eight).
std::uint64_t hash_path(std::string_view path) noexcept {
    constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ULL, k2 = 0xBF58476D1CE4E5B9ULL;
    std::uint64_t h = path.size() * k1;
    auto mix = [&](std::uint64_t word) {
        h = (h ^ word) * k2;
        h ^= h >> 31;
    };
    if (path.size() >= 8) {
        for (std::size_t i = 0; i + 8 < path.size(); i += 8) mix(load64(path.data() + i));
        mix(load64(path.data() + path.size() - 8));
    } else {
        std::uint64_t word = 0;
        for (std::size_t i = 0; i < path.size(); ++i) {
            word |= std::uint64_t{static_cast<unsigned char>(path[i])} << (8 * i);
        }
        mix(word);
    }
    h *= k1;
    return h ^ (h >> 29);
}

}  // namespace

struct route_table::matcher {
    method m;
    path_params& params;
    std::uint32_t fallback = 0;  // the most specific leaf with any route, for 405
};

route_table::route_table(const route_node& root) {
    append_node();
    const std::string empty;
    fill(0, root, &empty);
    firsts_.append(8, '\0');  // static_child reads the last children's first bytes as a word
}

std::uint32_t route_table::append_node() {
    if (nodes_.size() >= UINT32_MAX) throw std::length_error("router: too many nodes");
    nodes_.push_back({});
    firsts_.push_back('\0');
    return static_cast<std::uint32_t>(nodes_.size() - 1);
}

// Children are appended after their parent, siblings side by side, so the
// first bytes of a node's static children are one contiguous run of firsts_.
void route_table::fill(std::uint32_t at, const route_node& from, const std::string* path) {
    if (text_.size() + from.text.size() >= UINT32_MAX) {
        throw std::length_error("router: patterns too long");
    }
    nodes_[at].text = static_cast<std::uint32_t>(text_.size());
    nodes_[at].text_length = static_cast<std::uint32_t>(from.text.size());
    text_ += from.text;
    if (!from.text.empty()) firsts_[at] = from.text[0];
    from.text.copy(nodes_[at].head, inline_bytes);
    std::string here;
    if (path != nullptr) {
        here = *path + from.text;
        path = &here;
    }
    if (from.routes) {
        leaves_.push_back(from.routes.get());
        nodes_[at].leaf = static_cast<std::uint32_t>(leaves_.size());
        if (path != nullptr) index_static(here, nodes_[at].leaf);
    }
    if (!from.children.empty()) {
        std::uint32_t first = append_node();
        for (std::size_t i = 1; i < from.children.size(); ++i) append_node();
        nodes_[at].children = first;
        nodes_[at].child_count = static_cast<std::uint32_t>(from.children.size());
        for (std::size_t i = 0; i < from.children.size() && i < inline_bytes; ++i) {
            nodes_[at].firsts[i] = from.children[i].text[0];
        }
        for (std::size_t i = 0; i < from.children.size(); ++i) {
            fill(first + static_cast<std::uint32_t>(i), from.children[i], path);
        }
    }
    if (from.param_child) {
        std::uint32_t child = append_node();
        nodes_[at].param = child;
        fill(child, *from.param_child, nullptr);
    }
    if (from.wildcard_child) {
        std::uint32_t child = append_node();
        nodes_[at].wildcard = child;
        fill(child, *from.wildcard_child, nullptr);
    }
}

// Grows the index to stay at most half full (rehashing what it holds) and
// adds `path`.
void route_table::index_static(std::string_view path, std::uint32_t leaf) {
    std::size_t used = 0;
    for (const static_slot& s : statics_) used += s.leaf != 0 ? 1 : 0;
    if (2 * (used + 1) > statics_.size()) {
        std::vector<static_slot> old = std::move(statics_);
        statics_.assign(std::max<std::size_t>(8, 2 * old.size()), static_slot{});
        for (const static_slot& s : old) {
            if (s.leaf == 0) continue;
            std::size_t i = s.hash & (statics_.size() - 1);
            while (statics_[i].leaf != 0) i = (i + 1) & (statics_.size() - 1);
            statics_[i] = s;
        }
    }
    static_slot slot;
    slot.hash = hash_path(path);
    slot.path = static_cast<std::uint32_t>(static_paths_.size());
    slot.path_length = static_cast<std::uint32_t>(path.size());
    slot.leaf = leaf;
    static_paths_ += path;
    std::size_t i = slot.hash & (statics_.size() - 1);
    while (statics_[i].leaf != 0) i = (i + 1) & (statics_.size() - 1);
    statics_[i] = slot;
}

// The leaf of the capture-free route whose pattern is `path`, or 0.
std::uint32_t route_table::find_static(std::string_view path) const noexcept {
    if (statics_.empty()) return 0;
    const std::uint64_t hash = hash_path(path);
    const std::size_t mask = statics_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const static_slot& s = statics_[i];
        if (s.leaf == 0) return 0;
        if (s.hash == hash && s.path_length == path.size() &&
            equal_text(path.data(), static_paths_.data() + s.path, s.path_length, 0)) {
            return s.leaf;
        }
    }
}

const route* route_table::pick(std::uint32_t leaf, matcher& mt) const noexcept {
    if (leaf == 0) return nullptr;
    const auto& routes = leaves_[leaf - 1]->routes;
    if (const route* r = routes[static_cast<std::size_t>(mt.m)]) return r;
    if (mt.m == method::head) {
        if (const route* r = routes[static_cast<std::size_t>(method::get)]) return r;
    }
    if (mt.fallback == 0) mt.fallback = leaf;
    return nullptr;
}

// The static child of `n` that `rest` (not empty) starts with, or 0. The
// children's first bytes are compared eight at a time (a zero byte of
// firsts ^ broadcast(first) marks the child): no loop whose exit depends on
// which child it is, a branch a match would mispredict at every level of a
// wide fan-out. Past inline_bytes children, firsts_ (padded so that its last
// word can be read whole) holds the rest.
static_assert(std::endian::native == std::endian::little, "static_child reads bytes as words");

std::uint32_t route_table::static_child(const node& n, std::string_view rest) const noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const std::uint64_t wanted = ones * static_cast<unsigned char>(rest[0]);
    auto zero_bytes = [&](const char* firsts) {  // exact for the lowest zero byte
        const std::uint64_t x = load64(firsts) ^ wanted;
        return (x - ones) & ~x & highs;
    };
    const std::uint64_t low = zero_bytes(n.firsts);
    const std::uint64_t high = zero_bytes(n.firsts + 8);
    std::uint32_t i = low != 0    ? static_cast<std::uint32_t>(std::countr_zero(low) / 8)
                      : high != 0 ? 8 + static_cast<std::uint32_t>(std::countr_zero(high) / 8)
                                  : inline_bytes;
    for (std::uint32_t base = inline_bytes; i == base && base < n.child_count; base += 8) {
        const std::uint64_t more = zero_bytes(firsts_.data() + n.children + base);
        i = more != 0 ? base + static_cast<std::uint32_t>(std::countr_zero(more) / 8) : base + 8;
    }
    if (i >= n.child_count) return 0;
    const std::uint32_t at = n.children + i;
    const node& child = nodes_[at];
    if (rest.size() < child.text_length) return 0;
    const char* text = child.text_length <= inline_bytes ? child.head : text_.data() + child.text;
    if (!equal_text(rest.data(), text, child.text_length, 1)) return 0;
    return at;
}

// `rest` is the path after the node's own text. Tries, in order, the static
// child, the parameter, the wildcard, undoing captures on the way back.
// Where a node has no capture children there is nothing to come back to: it
// loops.
const route* route_table::find(std::uint32_t at, std::string_view rest,
                               matcher& mt) const noexcept {
    for (;;) {
        const node& n = nodes_[at];
        if (rest.empty()) {
            if (const route* r = pick(n.leaf, mt)) return r;
            break;
        }
        const std::uint32_t child = static_child(n, rest);
        if (n.param == 0 && n.wildcard == 0) {
            if (child == 0) return nullptr;
            rest.remove_prefix(nodes_[child].text_length);
            at = child;
            continue;
        }
        if (child != 0) {
            if (const route* r = find(child, rest.substr(nodes_[child].text_length), mt)) return r;
        }
        if (n.param != 0) {
            std::size_t length = 0;
            while (length < rest.size() && rest[length] != '/') ++length;
            if (length > 0) {
                mt.params.push(text_of(nodes_[n.param]), rest.substr(0, length));
                if (const route* r = find(n.param, rest.substr(length), mt)) return r;
                mt.params.pop();
            }
        }
        break;
    }
    const node& n = nodes_[at];
    if (n.wildcard != 0) {
        const node& w = nodes_[n.wildcard];
        mt.params.push(text_of(w), rest);
        if (const route* r = pick(w.leaf, mt)) return r;
        mt.params.pop();
    }
    return nullptr;
}

route_match route_table::match(method m, std::string_view path,
                               path_params& params) const noexcept {
    params.clear();
    matcher mt{m, params};
    if (const route* r = pick(find_static(path), mt)) return {route_match::found, r, {}};
    mt.fallback = 0;  // the walk finds the 405's leaf itself, the most specific first
    if (const route* r = find(0, path, mt)) return {route_match::found, r, {}};
    params.clear();
    if (mt.fallback != 0) {
        return {route_match::method_not_allowed, nullptr, leaves_[mt.fallback - 1]->allow};
    }
    return {route_match::not_found, nullptr, {}};
}

const route_table& lazy_route_table::get(const route_node& root) {
    if (const route_table* t = ready_.load(std::memory_order_acquire)) return *t;
    std::lock_guard lock(build_lock_);
    if (!table_) table_ = std::make_unique<route_table>(root);
    ready_.store(table_.get(), std::memory_order_release);
    return *table_;
}

void lazy_route_table::invalidate() noexcept {
    ready_.store(nullptr, std::memory_order_relaxed);
    table_.reset();
}

}  // namespace rivet::http::detail
