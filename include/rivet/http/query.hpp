// A decoded query parameter (see request::query).
#pragma once

#include <string_view>

namespace rivet::http {

/// One `name=value` pair of a query string, percent-decoded with '+' as a space.
struct query_param {
    std::string_view name;
    std::string_view value;
};

}  // namespace rivet::http
