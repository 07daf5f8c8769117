#include <cstring>
#include <rivet/http/router.hpp>

namespace rivet::http {

namespace detail {

// A node of the radix tree. A static node's `text` is the run of path
// bytes it matches (compressed: a chain of single-child nodes is one node);
// a parameter or wildcard node's `text` is the capture's name. Static
// children are found by their first byte (`indices[i]` is the first byte of
// `children[i]`; siblings never share one).
struct route_node {
    enum kind_t : std::uint8_t { static_text, param, wildcard };

    // What only the end of a match or registration reads: kept out of the
    // node so that the nodes a match walks through stay small (two cache lines).
    struct leaf {
        std::array<const route*, method_count> routes{};
        std::string allow;  // "GET, HEAD, POST": the 405's Allow header
    };

    // Hot fields first: a match reads text and indices, then the children.
    std::string text;
    std::string indices;
    // Static children by value: one pointer less to chase per level (the
    // matcher's cost at 1,000 routes is mostly cache misses).
    std::vector<route_node> children;
    std::unique_ptr<route_node> param_child;
    std::unique_ptr<route_node> wildcard_child;
    std::unique_ptr<leaf> routes;         // null until a route ends here
    std::unique_ptr<std::string> origin;  // capture nodes: a route through it, for conflicts
    kind_t kind = static_text;
};

}  // namespace detail

using detail::route_node;

namespace {

struct matcher {
    method m;
    path_params& params;
    const route_node* fallback = nullptr;  // the most specific node with any route, for 405
};

const route* pick(const route_node& n, matcher& mt) noexcept {
    if (!n.routes) return nullptr;
    const auto& routes = n.routes->routes;
    if (const route* r = routes[static_cast<std::size_t>(mt.m)]) return r;
    if (mt.m == method::head) {
        if (const route* r = routes[static_cast<std::size_t>(method::get)]) return r;
    }
    if (mt.fallback == nullptr) mt.fallback = &n;
    return nullptr;
}

// The static child of `n` that `rest` starts with, or null. Plain loops,
// not memchr/memcmp: the strings are a few bytes long, shorter than the
// cost of calling the vectorised versions.
const route_node* static_child(const route_node& n, std::string_view rest) noexcept {
    const char first = rest[0];
    const char* indices = n.indices.data();
    const std::size_t count = n.indices.size();
    std::size_t i = 0;
    while (i < count && indices[i] != first) ++i;
    if (i == count) return nullptr;
    const route_node& child = n.children[i];
    const std::size_t length = child.text.size();
    if (rest.size() < length) return nullptr;
    const char* text = child.text.data();
    for (std::size_t k = 1; k < length; ++k) {  // byte 0 matched through the index
        if (rest[k] != text[k]) return nullptr;
    }
    return &child;
}

// `rest` is the path after `n`'s own text. Tries, in order, the static child,
// the parameter, the wildcard, undoing captures on the way back. Where a node
// has no capture children there is nothing to come back to: it loops.
const route* find(const route_node* n, std::string_view rest, matcher& mt) noexcept {
    for (;;) {
        if (rest.empty()) {
            if (const route* r = pick(*n, mt)) return r;
            break;
        }
        const route_node* child = static_child(*n, rest);
        if (!n->param_child && !n->wildcard_child) {
            if (child == nullptr) return nullptr;
            rest.remove_prefix(child->text.size());
            n = child;
            continue;
        }
        if (child != nullptr) {
            if (const route* r = find(child, rest.substr(child->text.size()), mt)) return r;
        }
        if (n->param_child) {
            std::size_t length = rest.find('/');
            if (length == std::string_view::npos) length = rest.size();
            if (length > 0) {
                mt.params.push(n->param_child->text, rest.substr(0, length));
                if (const route* r = find(n->param_child.get(), rest.substr(length), mt)) return r;
                mt.params.pop();
            }
        }
        break;
    }
    if (n->wildcard_child) {
        mt.params.push(n->wildcard_child->text, rest);
        if (const route* r = pick(*n->wildcard_child, mt)) return r;
        mt.params.pop();
    }
    return nullptr;
}

route_node* insert_static(route_node* n, std::string_view text) {
    while (!text.empty()) {
        std::size_t i = n->indices.find(text[0]);
        if (i == std::string::npos) {
            route_node child;
            child.text = std::string(text);
            n->indices.push_back(text[0]);
            n->children.push_back(std::move(child));
            return &n->children.back();
        }
        route_node* child = &n->children[i];
        std::size_t common = 0;
        while (common < child->text.size() && common < text.size() &&
               child->text[common] == text[common]) {
            ++common;
        }
        if (common < child->text.size()) {
            // Split: the shared prefix becomes a node above the old child.
            route_node middle;
            middle.text = child->text.substr(0, common);
            child->text.erase(0, common);
            middle.indices.push_back(child->text[0]);
            middle.children.push_back(std::move(*child));
            *child = std::move(middle);
        }
        n = child;
        text.remove_prefix(common);
    }
    return n;
}

std::string describe(method m, std::string_view pattern) {
    return std::string(to_string(m)) + " " + std::string(pattern);
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

router::router() : root_(std::make_unique<route_node>()) {}
router::~router() = default;
router::router(router&&) noexcept = default;
router& router::operator=(router&&) noexcept = default;

router& router::add(method m, std::string_view pattern, handler fn) {
    insert(m, pattern, std::move(fn), {});
    return *this;
}

void router::insert(method m, std::string_view pattern, handler fn, std::vector<middleware> chain) {
    const std::string self = describe(m, pattern);
    if (!pattern.starts_with('/')) {
        throw std::invalid_argument("route " + self + ": a pattern starts with '/'");
    }
    if (m == method::other) throw std::invalid_argument("route " + self + ": unsupported method");
    route_node* n = root_.get();
    std::size_t captures = 0;
    std::size_t i = 0;
    while (i < pattern.size()) {
        char c = pattern[i];
        if (c != ':' && c != '*') {
            std::size_t end = pattern.find_first_of(":*", i);
            if (end == std::string_view::npos) end = pattern.size();
            n = insert_static(n, pattern.substr(i, end - i));
            i = end;
            continue;
        }
        if (pattern[i - 1] != '/') {
            throw std::invalid_argument("route " + self + ": '" + std::string(1, c) +
                                        "' must start a path segment");
        }
        std::size_t end = i + 1;
        while (end < pattern.size() && is_name_char(pattern[end])) ++end;
        std::string_view name = pattern.substr(i + 1, end - i - 1);
        if (name.empty()) throw std::invalid_argument("route " + self + ": capture without a name");
        if (end < pattern.size() && (c == '*' || pattern[end] != '/')) {
            throw std::invalid_argument(
                "route " + self +
                (c == '*' ? ": a wildcard must end the pattern" : ": a parameter spans a segment"));
        }
        if (++captures > path_params::capacity) {
            throw std::invalid_argument("route " + self + ": more than 16 captures");
        }
        auto& slot = c == ':' ? n->param_child : n->wildcard_child;
        if (!slot) {
            slot = std::make_unique<route_node>();
            slot->kind = c == ':' ? route_node::param : route_node::wildcard;
            slot->text = std::string(name);
            slot->origin = std::make_unique<std::string>(self);
        } else if (slot->text != name) {
            throw route_conflict("route " + self + " conflicts with " + *slot->origin + ": " +
                                 (c == ':' ? "parameter" : "wildcard") +
                                 " names differ at the same position (:" + slot->text + " vs " + c +
                                 std::string(name) + ")");
        }
        n = slot.get();
        i = end;
    }
    if (!n->routes) n->routes = std::make_unique<route_node::leaf>();
    route_node::leaf& leaf = *n->routes;
    const route*& here = leaf.routes[static_cast<std::size_t>(m)];
    if (here != nullptr) {
        throw route_conflict("route " + self + " conflicts with " +
                             describe(here->method, here->pattern) + ": already registered");
    }
    routes_.push_back(
        std::make_unique<route>(route{m, std::string(pattern), std::move(fn), std::move(chain)}));
    here = routes_.back().get();
    leaf.allow.clear();
    for (std::size_t k = 0; k < method_count; ++k) {
        bool has = leaf.routes[k] != nullptr ||
                   (k == static_cast<std::size_t>(method::head) &&
                    leaf.routes[static_cast<std::size_t>(method::get)] != nullptr);
        if (!has) continue;
        if (!leaf.allow.empty()) leaf.allow += ", ";
        leaf.allow += to_string(static_cast<method>(k));
    }
}

route_match router::match(method m, std::string_view path, path_params& params) const noexcept {
    params.clear();
    matcher mt{m, params};
    if (const route* r = find(root_.get(), path, mt)) return {route_match::found, r, {}};
    params.clear();
    if (mt.fallback != nullptr)
        return {route_match::method_not_allowed, nullptr, mt.fallback->routes->allow};
    return {route_match::not_found, nullptr, {}};
}

route_group router::group(std::string_view prefix, std::vector<middleware> chain) {
    return route_group(*this, std::string(prefix), std::move(chain));
}

route_group& route_group::add(method m, std::string_view pattern, handler fn) {
    std::string full = prefix_;
    if (pattern != "/" || full.empty()) full += pattern;
    router_->insert(m, full, std::move(fn), chain_);
    return *this;
}

route_group& route_group::use(middleware m) {
    chain_.push_back(std::move(m));
    return *this;
}

route_group route_group::group(std::string_view prefix) {
    return route_group(*router_, prefix_ + std::string(prefix), chain_);
}

}  // namespace rivet::http
