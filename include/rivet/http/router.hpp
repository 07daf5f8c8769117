// router: maps a method and a path to a handler.
//
// Patterns are made of static text, parameters and a wildcard:
//     /users               static
//     /users/:id           `:id` captures one segment (up to the next '/', never empty)
//     /files/*path         `*path` captures the rest of the path (possibly empty); last only
// A parameter or wildcard spans a whole segment (it follows a '/').
//
// Precedence does not depend on the order of registration: at each point of
// the path, static text beats a parameter, which beats a wildcard; the
// router backtracks, so /users/new and /users/:id/posts both work. If the
// most specific path has no handler for the method, a less specific one that
// has is used; if none has, the answer is 405 with an Allow header naming
// the methods of the most specific match; if no pattern matches, 404. HEAD
// is answered by the GET handler (without the body) unless HEAD has its own;
// OPTIONS, unless it has its own, by the server: 204 with the Allow header
// (which always lists OPTIONS).
//
// Routes are kept in a radix tree (static text compressed by common
// prefixes, children indexed by their first byte), flattened into compact
// arrays for matching by the first match after a registration. Matching
// allocates nothing (beyond that first build): captures are views (see
// path_params). Registering a route that
// cannot coexist with an existing one throws route_conflict naming both:
// the same method and pattern twice, or two parameter (or wildcard) names at
// the same place ("/a/:id" and "/a/:name").
//
// A router is built before serving and then only read: matching is safe
// from any number of threads, registration is not.
#pragma once

#include <array>
#include <memory>
#include <rivet/http/handler.hpp>
#include <rivet/http/method.hpp>
#include <rivet/http/path_params.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rivet::http {

/// Thrown when a route cannot be registered; what() names both routes.
class route_conflict : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// A registered route: what a match returns.
struct route {
    http::method method;
    std::string pattern;
    handler fn;
    std::vector<middleware> chain;  // its groups' middleware, outermost first
};

namespace detail {
struct route_node;
class lazy_route_table;
}  // namespace detail

/// The outcome of router::match.
struct route_match {
    enum kind_t { found, not_found, method_not_allowed };
    kind_t kind = not_found;
    const route* target = nullptr;  // when found
    std::string_view allow;         // when method_not_allowed: "GET, HEAD, POST"
};

class router;

/// Routes under a common prefix that share middleware (router::group).
class route_group {
public:
    /// Registers `fn` for `m` at prefix + `pattern`; throws route_conflict.
    route_group& add(method m, std::string_view pattern, handler fn);
    route_group& get(std::string_view p, handler fn) { return add(method::get, p, std::move(fn)); }
    route_group& post(std::string_view p, handler fn) {
        return add(method::post, p, std::move(fn));
    }
    route_group& put(std::string_view p, handler fn) { return add(method::put, p, std::move(fn)); }
    route_group& patch(std::string_view p, handler fn) {
        return add(method::patch, p, std::move(fn));
    }
    route_group& del(std::string_view p, handler fn) {
        return add(method::delete_, p, std::move(fn));
    }
    /// Adds middleware run (after the enclosing groups') for the group's routes
    /// registered from now on.
    route_group& use(middleware m);
    /// A nested group: prefix appended, middleware inherited.
    [[nodiscard]] route_group group(std::string_view prefix);

private:
    friend class router;
    route_group(router& r, std::string prefix, std::vector<middleware> chain)
        : router_(&r), prefix_(std::move(prefix)), chain_(std::move(chain)) {}

    router* router_;
    std::string prefix_;
    std::vector<middleware> chain_;
};

class router {
public:
    router();
    ~router();
    router(router&&) noexcept;
    router& operator=(router&&) noexcept;

    /// Registers `fn` for `m` at `pattern`. Throws route_conflict (see the
    /// header comment) or std::invalid_argument for a malformed pattern.
    router& add(method m, std::string_view pattern, handler fn);
    router& get(std::string_view p, handler fn) { return add(method::get, p, std::move(fn)); }
    router& head(std::string_view p, handler fn) { return add(method::head, p, std::move(fn)); }
    router& post(std::string_view p, handler fn) { return add(method::post, p, std::move(fn)); }
    router& put(std::string_view p, handler fn) { return add(method::put, p, std::move(fn)); }
    router& patch(std::string_view p, handler fn) { return add(method::patch, p, std::move(fn)); }
    router& del(std::string_view p, handler fn) { return add(method::delete_, p, std::move(fn)); }
    router& options(std::string_view p, handler fn) {
        return add(method::options, p, std::move(fn));
    }

    /// A group of routes under `prefix` ("/api") with their own middleware.
    [[nodiscard]] route_group group(std::string_view prefix, std::vector<middleware> chain = {});

    /// Finds the route for `m` and `path` (decoded); fills `params`.
    /// Allocates nothing, except that the first match after a registration
    /// builds the matching table (and terminates if that runs out of memory).
    [[nodiscard]] route_match match(method m, std::string_view path,
                                    path_params& params) const noexcept;

    /// The number of routes registered.
    [[nodiscard]] std::size_t size() const noexcept { return routes_.size(); }

private:
    friend class route_group;
    void insert(method m, std::string_view pattern, handler fn, std::vector<middleware> chain);

    std::unique_ptr<detail::route_node> root_;         // where routes are registered
    std::unique_ptr<detail::lazy_route_table> table_;  // what matches walk
    std::vector<std::unique_ptr<route>> routes_;
};

}  // namespace rivet::http
