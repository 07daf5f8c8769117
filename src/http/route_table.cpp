#include "route_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "path_words.hpp"

namespace rivet::http::detail {

namespace {

std::uint32_t load32(const std::uint8_t* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

}  // namespace

struct route_table::matcher {
    method m;
    const char* path;  // where the path begins: words may be read from here on
    std::size_t size;
    path_params& params;
    // A path shorter than 64 bytes: bit i for a '/' at i, and bit `size`
    // for its end. A segment's end is then a bit scan.
    std::uint64_t ends = 0;
    std::uint32_t fallback = 0;  // the most specific leaf with any route, for 405

    /// Where the segment that starts at `at` (<= size) ends; `ends` and
    /// `size` as the matcher's, passed by callers that keep them in registers.
    [[nodiscard]] std::size_t segment_end(std::size_t at, std::uint64_t ends_,
                                          std::size_t size_) const noexcept {
        // Never zero (the end's bit): the builtin's bit scan needs no test.
        if (size_ < 64) return at + static_cast<std::size_t>(__builtin_ctzll(ends_ >> at));
        return at + segment_length(path, path + at, size_ - at);
    }
    [[nodiscard]] std::size_t segment_end(std::size_t at) const noexcept {
        return segment_end(at, ends, size);
    }
};

route_table::route_table(const route_node& root) {
    append_node();
    const std::string empty;
    build_state state;
    fill(0, root, &empty, state);
    firsts_.append(8, '\0');  // static_child reads the last children's first bytes as a word
    for (const std::uint32_t n : state.names) names_.push_back(text_of(nodes_[n]));
    anchors_ = anchor_index(state.anchors);
    walk_from_root_ = anchors_.longest() > path_index::length_window;
}

std::uint32_t route_table::append_node() {
    if (nodes_.size() >= UINT32_MAX) throw std::length_error("router: too many nodes");
    nodes_.push_back({});
    firsts_.push_back('\0');
    return static_cast<std::uint32_t>(nodes_.size() - 1);
}

// Children are appended after their parent, siblings side by side, so the
// first bytes of a node's static children are one contiguous run of firsts_.
void route_table::fill(std::uint32_t at, const route_node& from, const std::string* path,
                       build_state& state) {
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
            fill(first + static_cast<std::uint32_t>(i), from.children[i], path, state);
        }
    }
    std::string program;
    if (from.param_child) {
        std::uint32_t child = append_node();
        nodes_[at].param = child;
        fill(child, *from.param_child, nullptr, state);
        program = compile_program(child, state);
        if (!program.empty()) {
            if (programs_.size() >= UINT32_MAX - program.size()) {
                throw std::length_error("router: patterns too long");
            }
            nodes_[at].param_program = static_cast<std::uint32_t>(programs_.size() + 1);
            programs_ += program;
        }
    }
    if (from.wildcard_child) {
        std::uint32_t child = append_node();
        nodes_[at].wildcard = child;
        fill(child, *from.wildcard_child, nullptr, state);
    }
    if (path != nullptr && (from.param_child || from.wildcard_child)) {
        state.anchors.push_back({here, std::move(program), nodes_[at].param, nodes_[at].wildcard});
    }
}

std::string route_table::compile_program(std::uint32_t param, build_state& state) const {
    std::string program;
    std::uint32_t leaf = 0;
    bool wildcard = false;
    for (std::uint32_t at = param; leaf == 0;) {
        // `at` is a capture node: its name, then the static text up to the
        // next capture or the leaf.
        const std::string_view name = text_of(nodes_[at]);
        auto known = std::find_if(state.names.begin(), state.names.end(),
                                  [&](std::uint32_t n) { return text_of(nodes_[n]) == name; });
        if (known == state.names.end()) {
            if (state.names.size() == max_names) return {};
            state.names.push_back(at);
            known = state.names.end() - 1;
        }
        const auto index = static_cast<std::uint8_t>(known - state.names.begin());
        program += static_cast<char>(wildcard ? program_wildcard | index : index);
        std::string text;
        for (;;) {
            const node& n = nodes_[at];
            const std::uint32_t next =
                n.child_count + (n.param != 0 ? 1 : 0) + (n.wildcard != 0 ? 1 : 0);
            if (n.leaf != 0) {
                if (next != 0) return {};
                leaf = n.leaf;
                break;
            }
            if (next != 1) return {};
            if (n.child_count == 0) {
                wildcard = n.param == 0;
                at = wildcard ? n.wildcard : n.param;
                break;
            }
            at = n.children;
            text += text_of(nodes_[at]);
        }
        if (text.size() >= program_end) return {};
        if (!text.empty()) {
            program += static_cast<char>(text.size());
            program += text;
        }
    }
    program += static_cast<char>(program_end);
    // The leaf: its methods' route numbers, its number, its routes.
    const auto& routes = leaves_[leaf - 1].routes;
    std::uint32_t methods = 0;
    std::uint32_t count = 0;
    std::string pointers;
    for (std::size_t k = 0; k < method_count; ++k) {
        if (routes[k] == nullptr) continue;
        methods |= ++count << (4 * k);
        pointers.append(reinterpret_cast<const char*>(&routes[k]), sizeof routes[k]);
    }
    constexpr auto get = static_cast<std::size_t>(method::get);
    constexpr auto head = static_cast<std::size_t>(method::head);
    if (routes[head] == nullptr) methods |= (methods >> (4 * get) & 0xF) << (4 * head);
    program.append(reinterpret_cast<const char*>(&methods), sizeof methods);
    program.append(reinterpret_cast<const char*>(&leaf), sizeof leaf);
    return program + pointers;
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
// `at`: where they start in the path. `program`: the parameter's subtree
// compiled, run instead of walked.
const route* route_table::captures(const std::uint8_t* program, std::uint32_t param,
                                   std::uint32_t wildcard, std::size_t at,
                                   matcher& mt) const noexcept {
    if (program != nullptr) {
        if (const route* r = run_program(program, at, mt)) return r;
    } else if (param != 0 && at < mt.size) {
        const std::size_t end = mt.segment_end(at);
        if (end > at) {
            mt.params.push(text_of(nodes_[param]), {mt.path + at, end - at});
            if (const route* r = find(param, {mt.path + end, mt.size - end}, mt)) return r;
            mt.params.pop();
        }
    }
    if (wildcard != 0) {
        const node& w = nodes_[wildcard];
        mt.params.push(text_of(w), {mt.path + at, mt.size - at});
        if (const route* r = pick(w.leaf, mt)) return r;
        mt.params.pop();
    }
    return nullptr;
}

// The walk of a program's subtree: nothing to choose, so no backtracking
// within it; on failure the captures it pushed are undone.
const route* route_table::run_program(const std::uint8_t* program, std::size_t at,
                                      matcher& mt) const noexcept {
    // Copies the loop keeps in registers: the matcher lives in memory (its
    // address goes to find), and each capture would reload them.
    const char* const path = mt.path;
    const std::size_t size = mt.size;
    const std::uint64_t ends = mt.ends;
    const std::string_view* const names = names_.data();
    path_params& params = mt.params;
    const std::size_t depth = params.size();
    // Captures and texts alternate: each exit below is met at a different
    // point of the loop, so a predictor that sees the branches before it
    // tells them apart (one exit for both mispredicts once a match).
    for (std::uint8_t item = *program++;;) {
        const std::string_view name = names[item & ~program_wildcard];
        if ((item & program_wildcard) == 0) {
            const std::size_t end = mt.segment_end(at, ends, size);
            if (end == at) goto fail;
            params.push(name, {path + at, end - at});
            at = end;
        } else {
            params.push(name, {path + at, size - at});
            at = size;
        }
        if ((item = *program++) == program_end) break;
        // The program has more than eight bytes after any text (its leaf),
        // as equal_text needs.
        if (size - at < item ||
            !equal_text(path, path + at, size - at, reinterpret_cast<const char*>(program), item)) {
            goto fail;
        }
        at += item;
        program += item;
        if ((item = *program++) == program_end) break;
    }
    if (at == size) {
        const std::uint32_t number = load32(program) >> (4 * static_cast<unsigned>(mt.m)) & 0xF;
        if (number != 0) {
            const route* r;  // stored as bytes (compile_program): copied back, not cast
            std::memcpy(&r, program + 8 * number, sizeof r);
            return r;
        }
        if (mt.fallback == 0) mt.fallback = load32(program + 4);
    }
fail:
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
            return captures(nullptr, 0, n.wildcard, mt.size, mt);
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
        const auto* program =
            n.param_program != 0
                ? reinterpret_cast<const std::uint8_t*>(programs_.data()) + n.param_program - 1
                : nullptr;
        return captures(program, n.param, n.wildcard,
                        static_cast<std::size_t>(rest.data() - mt.path), mt);
    }
}

// The captures of the anchors (nodes with capture children, reached by
// static text) that the path passes through, deepest first: the prefixes of
// the path that end in '/' and have the length of some anchor's path are
// found as bits (its '/' bytes and anchors_'s lengths, 64 at a time, from
// the end) and looked up. `ends`: such bits for 64 bytes from `base`.
const route* route_table::from_anchors(std::uint64_t ends, std::size_t base,
                                       matcher& mt) const noexcept {
    while (ends != 0) {
        const int bit = 63 - std::countl_zero(ends);
        ends ^= std::uint64_t{1} << bit;
        const std::size_t length = base + static_cast<std::size_t>(bit) + 1;
        if (const void* found = anchors_.find({mt.path, length})) {
            const anchor_index::anchor a = anchors_.at(found);
            if (const route* r = captures(a.program, a.param, a.wildcard, length, mt)) return r;
        }
    }
    return nullptr;
}

// from_anchors for a path of 64 bytes or more, block by block.
const route* route_table::from_anchors_of_long_path(matcher& mt) const noexcept {
    // Rounded up to whole words: bytes past the longest anchor have no
    // length bit, so scanning them changes nothing, and a long path is then
    // scanned without a partial word.
    const std::size_t scanned = std::min(mt.size, (anchors_.longest() + 7) & ~std::size_t{7});
    for (std::size_t block = (scanned + 63) / 64; block-- > 0;) {
        const std::size_t base = 64 * block;
        const std::uint64_t slashes =
            slash_bits(mt.path, mt.path + base, std::min<std::size_t>(64, scanned - base));
        if (const route* r = from_anchors(anchors_.lengths(block) & slashes, base, mt)) return r;
    }
    return nullptr;
}

route_match route_table::match(method m, std::string_view path,
                               path_params& params) const noexcept {
    params.clear();
    matcher mt{m, path.data(), path.size(), params};
    // The static route at the whole path first: the walk would reach its
    // leaf before any capture, so it is also the 405's leaf if it has any.
    const route* r = nullptr;
    if (statics_.may_hold(path.size())) {
        r = pick(static_cast<std::uint32_t>(statics_.find(path)), mt);
    }
    if (r == nullptr) {
        if (path.size() < 64) {
            // One scan of a short path's '/' bytes serves the anchors and
            // every parameter's segment.
            const std::uint64_t slashes = slash_bits_of_path(path.data(), path.size());
            mt.ends = slashes | std::uint64_t{1} << path.size();
            r = walk_from_root_ ? find(0, path, mt)
                                : from_anchors(slashes & anchors_.lengths(0), 0, mt);
        } else {
            r = walk_from_root_ ? find(0, path, mt) : from_anchors_of_long_path(mt);
        }
    }
    if (r != nullptr) return {route_match::found, r, {}};
    params.clear();
    if (mt.fallback != 0)
        return {route_match::method_not_allowed, nullptr, allow_[mt.fallback - 1]};
    return {route_match::not_found, nullptr, {}};
}

}  // namespace rivet::http::detail

namespace rivet::http {

// Here rather than in router.cpp: one call a match, not two.
route_match router::match(method m, std::string_view path, path_params& params) const noexcept {
    return table_->get(*root_).match(m, path, params);
}

}  // namespace rivet::http

namespace rivet::http::detail {

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
