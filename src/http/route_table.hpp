// The router's matching form: its radix tree (route_node.hpp) flattened into
// arrays, built after the routes are registered and then only read.
//
// Why: at 1,000 routes a match is mostly cache misses and mispredicted
// branches. A tree node holds two strings, a vector and four pointers (128
// bytes, its children and long texts in other allocations); a table node is
// one cache line holding its indices, its text's first bytes and its
// children's first bytes, and a node's static children are adjacent.
//
// A match does not walk from the root. What the walk would do (see
// router.hpp for the precedence) comes down to this: the static children of
// the nodes on the way form one chain (a node has at most one static child
// that the path can enter, the one with the path's next byte), so the walk
// goes down that chain as far as the path allows, then tries the parameter
// and the wildcard of each node on it, deepest first. Only two kinds of
// node on the chain can lead to a match: the one at the whole path, if a
// route ends there, and nodes with a capture child ("anchors"), whose path
// from the root is static text ending in '/'. The table indexes both by
// that text in hash tables (path_index, anchor_index: an anchor's slot also
// holds its parameter's program): a match looks up the whole path, then
// each prefix ending in '/' whose length is that of some such node's text
// (a bit test picks them), longest first, and walks the table only from the
// captures of the nodes it finds, in the walk's order: the same answer,
// without the levels above. Below a capture the table is walked as the tree, step for
// step: static child, then parameter, then wildcard, with backtracking;
// a parameter whose subtree does not branch is run as a program instead (see
// program_end). route_table_test.cpp checks the answers against the rules
// written out plainly, on random routes.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <rivet/http/router.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "anchor_index.hpp"
#include "path_index.hpp"
#include "route_node.hpp"

namespace rivet::http::detail {

class route_table {
public:
    /// Flattens the tree rooted at `root`; the tree's leaves must outlive the table.
    explicit route_table(const route_node& root);

    /// router::match's answer, computed on the table. Allocates nothing.
    /// Inlined into router::match (route_table.cpp).
    [[nodiscard, gnu::always_inline]] inline route_match match(method m, std::string_view path,
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
        std::uint32_t param;          // the parameter child, or 0
        std::uint32_t wildcard;       // the wildcard child, or 0
        std::uint32_t leaf;           // 1 + index in leaves_, or 0: no route ends here
        std::uint32_t param_program;  // 1 + the parameter child's program's offset, or 0
        char firsts[inline_bytes];    // the first bytes of the first static children
        char head[inline_bytes];      // the first bytes of the text
    };
    static_assert(sizeof(node) == 64, "a table node is one cache line");
    struct matcher;
    // A parameter's subtree that is one path to one leaf (":id/items/:item",
    // the usual end of a route) is also compiled into a program, run as one
    // loop without backtracking where the walk would read a node a step and
    // then the leaf. Its bytes: a capture (program_wildcard | its name's
    // index in names_, or the index alone for a parameter); the length of
    // the static text that follows it (1 to 254: never program_end) and
    // that text, unless the route ends there; the next capture...;
    // program_end; then the leaf: its methods as four bits each (1 + the
    // index of the method's route among those that follow, HEAD taking
    // GET's when it has none; 0: no route), its number (1 + index in
    // leaves_, for 405), its routes as eight bytes each. `:id/items/:item`
    // with one route is 27 bytes: it fits in its anchor's slot.
    static constexpr std::uint8_t program_wildcard = 0x80;
    static constexpr std::uint8_t program_end = 0xFF;
    static constexpr std::size_t max_names = 127;  // indexes below program_end's low bits
    // A leaf's routes by method: one cache line.
    struct alignas(64) leaf_routes {
        std::array<const route*, method_count> routes{};
    };

    // What the build collects on its way: the anchors, and the captures'
    // names as nodes (names_ views text_ once it stops growing).
    struct build_state {
        std::vector<anchor_index::entry> anchors;
        std::vector<std::uint32_t> names;
    };
    /// Fills nodes_[at] from `from`; `path` is the text from the root to it
    /// when that is all static, else null.
    void fill(std::uint32_t at, const route_node& from, const std::string* path,
              build_state& state);
    std::uint32_t append_node();
    /// The program of the subtree under the parameter node `param`, or
    /// nothing when that subtree branches (or its names or texts do not fit).
    std::string compile_program(std::uint32_t param, build_state& state) const;
    // Inlined where they are used: a match is a few dozen instructions a
    // step, and each call saved is a prologue and an epilogue (callgrind).
    [[gnu::always_inline]] inline std::uint32_t static_child(const node& n, std::string_view rest,
                                                             const char* begin) const noexcept;
    [[gnu::always_inline]] inline const route* pick(std::uint32_t leaf, matcher& mt) const noexcept;
    [[gnu::always_inline]] inline const route* captures(const std::uint8_t* program,
                                                        std::uint32_t param, std::uint32_t wildcard,
                                                        std::size_t at, matcher& mt) const noexcept;
    [[gnu::always_inline]] inline const route* run_program(const std::uint8_t* program,
                                                           std::size_t at,
                                                           matcher& mt) const noexcept;
    [[gnu::always_inline]] inline const route* from_anchors(std::uint64_t ends, std::size_t base,
                                                            matcher& mt) const noexcept;
    const route* from_anchors_of_long_path(matcher& mt) const noexcept;
    const route* find(std::uint32_t at, std::string_view rest, matcher& mt) const noexcept;
    [[nodiscard]] std::string_view text_of(const node& n) const noexcept {
        return {text_.data() + n.text, n.text_length};
    }

    std::vector<node> nodes_;
    std::string
        firsts_;  // firsts_[i]: the first byte of nodes_[i]'s text (past inline_bytes children)
    std::string text_;
    std::vector<leaf_routes> leaves_;
    std::vector<std::string_view> allow_;  // allow_[i]: leaves_[i]'s Allow header
    std::vector<std::string_view> names_;  // the captures' names, each once (views of text_)
    std::string programs_;                 // the parameters' programs, for walks below anchors
    path_index statics_;                   // routes without captures by path: 1 + index in leaves_
    // Nodes with a capture child and a static path from the root, by that
    // path (which ends in '/'), with their parameter's program.
    anchor_index anchors_;
    // An anchor's path is longer than path_index::length_window: matches
    // walk from the root (the anchors' lengths are not all known as bits).
    bool walk_from_root_ = false;
};

/// A router's table, built by the first match after a registration (by
/// whichever thread matches first: registration is over by then, matches
/// may run in parallel) and dropped by the next registration.
class lazy_route_table {
public:
    /// The table of the tree rooted at `root`, built if needed (this allocates).
    const route_table& get(const route_node& root) {
        if (const route_table* t = ready_.load(std::memory_order_acquire)) return *t;
        return build(root);
    }
    /// Drops the table: `root` changed. Not concurrent with get().
    void invalidate() noexcept;

private:
    const route_table& build(const route_node& root);

    std::atomic<const route_table*> ready_{nullptr};
    std::mutex build_lock_;
    std::unique_ptr<route_table> table_;
};

}  // namespace rivet::http::detail
