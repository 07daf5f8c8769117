// The router's registration form: a radix tree that insert() grows and
// checks for conflicts. Matching does not walk it: route_table flattens it
// into arrays first (route_table.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <rivet/http/method.hpp>
#include <rivet/http/router.hpp>
#include <string>
#include <vector>

namespace rivet::http::detail {

// A static node's `text` is the run of path bytes it matches (compressed: a
// chain of single-child nodes is one node); a parameter or wildcard node's
// `text` is the capture's name. Static children are found by their first
// byte (`indices[i]` is the first byte of `children[i]`; siblings never
// share one).
struct route_node {
    enum kind_t : std::uint8_t { static_text, param, wildcard };

    struct leaf {
        std::array<const route*, method_count> routes{};
        std::string allow;  // "GET, HEAD, POST": the 405's Allow header
    };

    std::string text;
    std::string indices;
    std::vector<route_node> children;
    std::unique_ptr<route_node> param_child;
    std::unique_ptr<route_node> wildcard_child;
    std::unique_ptr<leaf> routes;         // null until a route ends here
    std::unique_ptr<std::string> origin;  // capture nodes: a route through it, for conflicts
    kind_t kind = static_text;
};

}  // namespace rivet::http::detail
