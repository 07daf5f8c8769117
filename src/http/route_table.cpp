#include "route_table.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <stdexcept>

#include "path_words.hpp"

namespace rivet::http::detail {

struct route_table::matcher {
    method m;
    const char* path;  // where the path begins: words may be read from here on
    path_params& params;
    std::uint32_t fallback = 0;  // the most specific leaf with any route, for 405
};

route_table::route_table(const route_node& root) {
    append_node();
    const std::string empty;
    fill(0, root, &empty);
    firsts_.append(8, '\0');  // static_child reads the last children's first bytes as a word
    walk_from_root_ = anchors_.longest() > path_index::length_window;
}

std::uint32_t route_table::append_node() {
    // Below has_tail: an anchor's parameter field holds a node or a flagged tail.
    if (nodes_.size() >= has_tail) throw std::length_error("router: too many nodes");
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
        leaves_.push_back({from.routes->routes});
        allow_.emplace_back(from.routes->allow);
        nodes_[at].leaf = static_cast<std::uint32_t>(leaves_.size());
        if (path != nullptr) statics_.insert(here, nodes_[at].leaf);
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
        nodes_[at].param_tail = compile_tail(child);
    }
    if (from.wildcard_child) {
        std::uint32_t child = append_node();
        nodes_[at].wildcard = child;
        fill(child, *from.wildcard_child, nullptr);
    }
    if (path != nullptr && (from.param_child || from.wildcard_child)) {
        const node& n = nodes_[at];
        const std::uint32_t param = n.param_tail != 0 ? has_tail | n.param_tail : n.param;
        anchors_.insert(here, param | std::uint64_t{n.wildcard} << 32);
    }
}

static_assert(sizeof(void*) == sizeof(std::uint64_t), "a tail holds routes as words");

std::uint32_t route_table::compile_tail(std::uint32_t param) {
    constexpr std::uint32_t max_length = 0xFFFFFF;  // a record's length field
    std::size_t words = 0;
    for (std::uint32_t at = param, statics = 0;;) {
        const node& n = nodes_[at];
        const std::uint32_t next =
            n.child_count + (n.param != 0 ? 1 : 0) + (n.wildcard != 0 ? 1 : 0);
        if (n.text_length > max_length) return 0;
        words += 1 + (at != param && statics != 0 ? (n.text_length + 7) / 8 : 0);
        if (n.leaf != 0) {
            if (next != 0) return 0;
            const auto& routes = leaves_[n.leaf - 1].routes;
            words +=
                1 + static_cast<std::size_t>(std::count_if(
                        routes.begin(), routes.end(), [](const route* r) { return r != nullptr; }));
            break;
        }
        if (next != 1) return 0;
        statics = n.child_count;
        at = n.child_count != 0 ? n.children : n.param != 0 ? n.param : n.wildcard;
    }
    // A tail that would straddle one more cache line than it needs starts
    // on the next line instead.
    const std::size_t used = tails_.size() % 8;
    if ((used + words + 7) / 8 > (words + 7) / 8) tails_.resize(tails_.size() + 8 - used, 0);
    if (tails_.size() >= has_tail - 1) return 0;
    const auto tail = static_cast<std::uint32_t>(tails_.size() + 1);
    auto record = [&](tail_kind kind, std::uint32_t length, std::uint32_t offset) {
        tails_.push_back(kind | std::uint64_t{length} << 8 | std::uint64_t{offset} << 32);
    };
    tail_kind kind = tail_param;
    for (std::uint32_t at = param;;) {
        const node& n = nodes_[at];
        record(kind, n.text_length, n.text);
        if (kind == tail_static) {
            for (std::uint32_t k = 0; k < n.text_length; k += 8) {
                std::uint64_t word = 0;
                text_.copy(reinterpret_cast<char*>(&word),
                           std::min<std::uint32_t>(8, n.text_length - k), n.text + k);
                tails_.push_back(word);
            }
        }
        if (n.leaf != 0) {
            // The routes follow the record, those of the methods in its mask
            // only (a route has one or two): no other line to read.
            const auto& routes = leaves_[n.leaf - 1].routes;
            std::uint32_t mask = 0;
            for (std::size_t k = 0; k < method_count; ++k) {
                if (routes[k] != nullptr) mask |= 1U << k;
            }
            record(tail_end, mask, n.leaf);
            for (const route* r : routes) {
                if (r == nullptr) continue;
                std::uint64_t word;
                std::memcpy(&word, &r, sizeof word);
                tails_.push_back(word);
            }
            assert(tails_.size() == tail - 1 + words);
            return tail;
        }
        kind = n.child_count != 0 ? tail_static : n.param != 0 ? tail_param : tail_wildcard;
        at = n.child_count != 0 ? n.children : n.param != 0 ? n.param : n.wildcard;
    }
}

const route* route_table::pick(std::uint32_t leaf, matcher& mt) const noexcept {
    if (leaf == 0) return nullptr;
    const auto& routes = leaves_[leaf - 1].routes;
    if (const route* r = routes[static_cast<std::size_t>(mt.m)]) return r;
    if (mt.m == method::head) {
        if (const route* r = routes[static_cast<std::size_t>(method::get)]) return r;
    }
    if (mt.fallback == 0) mt.fallback = leaf;
    return nullptr;
}

// pick for a tail's end: `mask` has bit k when method k has a route, whose
// pointer is routes[the number of bits below k].
const route* route_table::pick_in_tail(std::uint32_t mask, const std::uint64_t* routes,
                                       std::uint32_t leaf, matcher& mt) const noexcept {
    auto has = [&](method m) { return (mask >> static_cast<unsigned>(m) & 1) != 0; };
    auto route_of = [&](method m) {
        std::uint32_t below = mask & ((1U << static_cast<unsigned>(m)) - 1);
        below = below - (below >> 1 & 0x55);  // bits counted without a popcnt instruction
        below = (below & 0x33) + (below >> 2 & 0x33);
        const route* r;  // stored as a word (compile_tail): copied back, not cast
        std::memcpy(&r, &routes[(below + (below >> 4)) & 0x0F], sizeof(std::uint64_t));
        return r;
    };
    if (has(mt.m)) return route_of(mt.m);
    if (mt.m == method::head && has(method::get)) return route_of(method::get);
    if (mt.fallback == 0) mt.fallback = leaf;
    return nullptr;
}

// The static child of `n` that `rest` (not empty) starts with, or 0. The
// children's first bytes are compared eight at a time (a zero byte of
// firsts ^ broadcast(first) marks the child): no loop whose exit depends on
// which child it is, a branch a match would mispredict at every level of a
// wide fan-out. Past inline_bytes children, firsts_ (padded so that its last
// word can be read whole) holds the rest.
std::uint32_t route_table::static_child(const node& n, std::string_view rest,
                                        const char* begin) const noexcept {
    if (n.child_count == 0) return 0;
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
    if (!equal_text(begin, rest.data(), rest.size(), text, child.text_length)) return 0;
    return at;
}

// A node's parameter child (a segment, never empty), then its wildcard
// child (the rest, possibly empty), once its static child has led nowhere.
// `tail`: the parameter's subtree compiled, run instead of walked.
const route* route_table::captures(std::uint32_t param, std::uint32_t tail, std::uint32_t wildcard,
                                   std::string_view rest, matcher& mt) const noexcept {
    if (tail != 0) {
        if (const route* r = run_tail(tail, rest, mt)) return r;
    } else if (param != 0 && !rest.empty()) {
        const std::size_t length = segment_length(mt.path, rest.data(), rest.size());
        if (length > 0) {
            mt.params.push(text_of(nodes_[param]), rest.substr(0, length));
            if (const route* r = find(param, rest.substr(length), mt)) return r;
            mt.params.pop();
        }
    }
    if (wildcard != 0) {
        const node& w = nodes_[wildcard];
        mt.params.push(text_of(w), rest);
        if (const route* r = pick(w.leaf, mt)) return r;
        mt.params.pop();
    }
    return nullptr;
}

// The walk of a tail's subtree: nothing to choose, so no backtracking
// within it; on failure the captures it pushed are undone.
const route* route_table::run_tail(std::uint32_t tail, std::string_view rest,
                                   matcher& mt) const noexcept {
    const std::uint64_t* step = tails_.data() + (tail - 1);
    const std::size_t depth = mt.params.size();
    for (;;) {
        const std::uint64_t record = *step++;
        const auto length = static_cast<std::uint32_t>(record >> 8 & 0xFFFFFF);
        const auto offset = static_cast<std::uint32_t>(record >> 32);
        const auto kind = static_cast<tail_kind>(record & 0xFF);
        if (kind == tail_param) {
            const std::size_t n = segment_length(mt.path, rest.data(), rest.size());
            if (n == 0) break;
            mt.params.push({text_.data() + offset, length}, rest.substr(0, n));
            rest.remove_prefix(n);
        } else if (kind == tail_static) {
            const char* text = reinterpret_cast<const char*>(step);
            if (rest.size() < length ||
                !equal_text(mt.path, rest.data(), rest.size(), text, length)) {
                break;
            }
            rest.remove_prefix(length);
            step += (length + 7) / 8;
        } else if (kind == tail_wildcard) {
            mt.params.push({text_.data() + offset, length}, rest);
            rest = {};
        } else {
            if (rest.empty()) {
                if (const route* r = pick_in_tail(length, step, offset, mt)) return r;
            }
            break;
        }
    }
    while (mt.params.size() > depth) mt.params.pop();
    return nullptr;
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
            return captures(0, 0, n.wildcard, rest, mt);
        }
        const std::uint32_t child = static_child(n, rest, mt.path);
        if (n.param == 0 && n.wildcard == 0) {
            if (child == 0) return nullptr;
            rest.remove_prefix(nodes_[child].text_length);
            at = child;
            continue;
        }
        if (child != 0) {
            if (const route* r = find(child, rest.substr(nodes_[child].text_length), mt)) return r;
        }
        return captures(n.param, n.param_tail, n.wildcard, rest, mt);
    }
}

// The captures of the anchors (nodes with capture children, reached by
// static text) that the path passes through, deepest first: the prefixes of
// the path that end in '/' and have the length of some anchor's path are
// found as bits (its '/' bytes and anchors_'s lengths, 64 at a time, from
// the end) and looked up.
const route* route_table::find_from_anchors(std::string_view path, matcher& mt) const noexcept {
    // Rounded up to whole words: bytes past the longest anchor have no
    // length bit, so scanning them changes nothing, and a long path is then
    // scanned without a partial word.
    const std::size_t scanned = std::min(path.size(), (anchors_.longest() + 7) & ~std::size_t{7});
    for (std::size_t block = (scanned + 63) / 64; block-- > 0;) {
        const std::size_t base = 64 * block;
        std::uint64_t ends =
            anchors_.lengths(block) &
            slash_bits(path.data(), path.data() + base, std::min<std::size_t>(64, scanned - base));
        while (ends != 0) {
            const int bit = 63 - std::countl_zero(ends);
            ends ^= std::uint64_t{1} << bit;
            const std::size_t length = base + static_cast<std::size_t>(bit) + 1;
            if (const std::uint64_t anchor = anchors_.find(path.substr(0, length))) {
                const auto param = static_cast<std::uint32_t>(anchor);
                const std::uint32_t tail = (param & has_tail) != 0 ? param & ~has_tail : 0;
                if (const route* r = captures(tail != 0 ? 0 : param, tail,
                                              static_cast<std::uint32_t>(anchor >> 32),
                                              path.substr(length), mt)) {
                    return r;
                }
            }
        }
    }
    return nullptr;
}

route_match route_table::match(method m, std::string_view path,
                               path_params& params) const noexcept {
    params.clear();
    matcher mt{m, path.data(), params};
    // The static route at the whole path first: the walk would reach its
    // leaf before any capture, so it is also the 405's leaf if it has any.
    const route* r = nullptr;
    if (statics_.may_hold(path.size())) {
        r = pick(static_cast<std::uint32_t>(statics_.find(path)), mt);
    }
    if (r == nullptr) r = walk_from_root_ ? find(0, path, mt) : find_from_anchors(path, mt);
    if (r != nullptr) return {route_match::found, r, {}};
    params.clear();
    if (mt.fallback != 0)
        return {route_match::method_not_allowed, nullptr, allow_[mt.fallback - 1]};
    return {route_match::not_found, nullptr, {}};
}

const route_table& lazy_route_table::build(const route_node& root) {
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
