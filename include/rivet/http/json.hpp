// JSON in requests: request::json() parses the body with simdjson's DOM
// parser (one parser per connection, reused) and returns its root element.
//
//     simdjson::dom::element doc = co_await req.json();   // 400 when not JSON
//     std::string_view name = doc["name"].get_string();  // throws simdjson_error if absent
//
// An element is valid until the handler returns. A simdjson_error that
// escapes a handler (a missing field, a wrong type) becomes a 500: check
// with .error() / .get(value) for a 400 of your own.
//
// write_json(res.json(), doc) sends a parsed document (or any part of it)
// back as compact JSON, written straight into the response buffer: the
// result of simdjson::minify(doc) without its intermediate string (nor its
// allocations).
//
// This header includes
// simdjson.h, which is large: include it only where requests are parsed.
// Writing JSON needs only <rivet/http/json_writer.hpp> (response::json()).
#pragma once

#include <simdjson.h>

#include <rivet/http/json_writer.hpp>
#include <rivet/http/request.hpp>

namespace rivet::http {

/// Writes `element` as compact JSON through `out` (as one value: in an
/// array, after a key, or as the whole body).
void write_json(json_writer& out, simdjson::dom::element element);
/// As above, for the writer that response::json() returns.
inline void write_json(json_writer&& out, simdjson::dom::element element) {
    write_json(out, element);
}

}  // namespace rivet::http
