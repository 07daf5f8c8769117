// The router's matching form: its radix tree (route_node.hpp) flattened into
// arrays, built after the routes are registered and then only read.
//
// Why: at 1,000 routes a match is mostly cache misses. A tree node holds
// two strings, a vector and four pointers (128 bytes, its children and long
// texts in other allocations); a table node is one cache line holding its
// indices, its text's first bytes and its children's first bytes, and a
// node's static children are adjacent. The walk is the tree's, step for
// step: static child, then parameter, then wildcard, with backtracking
// (see router.hpp for the precedence it implements).
//
// Routes without captures are also indexed by their whole path in a hash
// table, tried before the walk: a static path beats anything else at every
// step, so when its route has the method, the walk would end there too.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <rivet/http/router.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "route_node.hpp"

namespace rivet::http::detail {

class route_table {
public:
    /// Flattens the tree rooted at `root`; the tree's leaves must outlive the table.
    explicit route_table(const route_node& root);

    /// router::match's answer, computed on the table. Allocates nothing.
    [[nodiscard]] route_match match(method m, std::string_view path,
                                    path_params& params) const noexcept;

private:
    // Index 0 is the root, which is nobody's child: 0 means "none" in the
    // child fields. One cache line: a step of the walk reads the node (its
    // children's first bytes and its own text's are inline) and then the
    // child's line, nothing else while texts are short and fan-outs small.
    static constexpr std::uint32_t inline_bytes = 16;
    struct alignas(64) node {
        std::uint32_t text;         // offset of the node's text in text_
        std::uint32_t text_length;  // static nodes: bytes matched; captures: the name's length
        std::uint32_t children;     // the first static child; the others follow it
        std::uint32_t child_count;
        std::uint32_t param;        // the parameter child, or 0
        std::uint32_t wildcard;     // the wildcard child, or 0
        std::uint32_t leaf;         // 1 + index in leaves_, or 0: no route ends here
        char firsts[inline_bytes];  // the first bytes of the first static children
        char head[inline_bytes];    // the first bytes of the text
    };
    struct matcher;
    // A slot of the static index (open addressing, linear probing).
    struct static_slot {
        std::uint64_t hash = 0;
        std::uint32_t path = 0;  // offset of the route's path in static_paths_
        std::uint32_t path_length = 0;
        std::uint32_t leaf = 0;  // as node::leaf; 0: an empty slot
    };

    /// Fills nodes_[at] from `from`; `path` is the text from the root to it
    /// when that is all static, else null.
    void fill(std::uint32_t at, const route_node& from, const std::string* path);
    void index_static(std::string_view path, std::uint32_t leaf);
    [[nodiscard]] std::uint32_t find_static(std::string_view path) const noexcept;
    std::uint32_t append_node();
    [[nodiscard]] std::uint32_t static_child(const node& n, std::string_view rest) const noexcept;
    const route* pick(std::uint32_t leaf, matcher& mt) const noexcept;
    const route* find(std::uint32_t at, std::string_view rest, matcher& mt) const noexcept;
    [[nodiscard]] std::string_view text_of(const node& n) const noexcept {
        return {text_.data() + n.text, n.text_length};
    }

    std::vector<node> nodes_;
    std::string
        firsts_;  // firsts_[i]: the first byte of nodes_[i]'s text (past inline_bytes children)
    std::string text_;
    std::vector<const route_node::leaf*> leaves_;
    std::vector<static_slot> statics_;  // a power of two in size, at most half full
    std::string static_paths_;
};

/// A router's table, built by the first match after a registration (by
/// whichever thread matches first: registration is over by then, matches
/// may run in parallel) and dropped by the next registration.
class lazy_route_table {
public:
    /// The table of the tree rooted at `root`, built if needed (this allocates).
    const route_table& get(const route_node& root);
    /// Drops the table: `root` changed. Not concurrent with get().
    void invalidate() noexcept;

private:
    std::atomic<const route_table*> ready_{nullptr};
    std::mutex build_lock_;
    std::unique_ptr<route_table> table_;
};

}  // namespace rivet::http::detail
