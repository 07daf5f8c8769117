// The request target (RFC 9112 3.2): split into path and query, and
// percent-decoded. Decoding allocates only when there is something to
// decode: a path without '%' is returned as the view it was.
#pragma once

#include <rivet/http/query.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rivet::http::detail {

struct target_parts {
    std::string_view path;   // still encoded; starts with '/' (or is "*")
    std::string_view query;  // after '?', without it; empty when absent
};

/// Splits origin-form ("/a?b"), absolute-form ("http://host/a?b", whose
/// authority is dropped) and asterisk-form ("*"). False for anything else.
bool split_target(std::string_view target, target_parts& out) noexcept;

/// Decodes %XX escapes in `path`, then removes dot segments ("/a/../b" is
/// "/b", also when the dots were escaped: routes and file handlers never
/// see a ".." segment). Returns the result: `path` itself when neither
/// changed it, else a view of `scratch`. Returns an empty view for a
/// malformed escape or an encoded NUL (the caller answers 400).
std::string_view decode_path(std::string_view path, std::string& scratch);

using query_pair = query_param;

/// Parses "a=1&b=x+y" into `out`; decoded text lives in `scratch`, which is
/// sized once up front so the views stay valid. A malformed escape is kept
/// as it was written (query strings are the application's to judge).
void parse_query(std::string_view query, std::vector<query_pair>& out, std::string& scratch);

}  // namespace rivet::http::detail
