#include <rivet/http/router.hpp>

#include "route_node.hpp"
#include "route_table.hpp"

namespace rivet::http {

using detail::route_node;

namespace {

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

router::router()
    : root_(std::make_unique<route_node>()), table_(std::make_unique<detail::lazy_route_table>()) {}
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
    table_->invalidate();
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
        // HEAD is answered by GET; OPTIONS by the server when no route has it.
        bool has = leaf.routes[k] != nullptr ||
                   (k == static_cast<std::size_t>(method::head) &&
                    leaf.routes[static_cast<std::size_t>(method::get)] != nullptr) ||
                   k == static_cast<std::size_t>(method::options);
        if (!has) continue;
        if (!leaf.allow.empty()) leaf.allow += ", ";
        leaf.allow += to_string(static_cast<method>(k));
    }
}

// router::match is in route_table.cpp, where the table's match is inlined into it.

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
