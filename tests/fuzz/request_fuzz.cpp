// libFuzzer target for the request path: bytes from the network through the
// parser (head and body, fed in two pieces at a point the input chooses) and,
// for a head that parses, the target's decoding, the query's parsing and the
// router's match (captures must be views of the path).
// Invariants checked: every view the parser hands out lies inside the input,
// and a message never claims more bytes than it was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include <rivet/http/router.hpp>

#include "request_parser.hpp"
#include "target.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

// A router with every kind of node; handlers are never called here.
const rivet::http::router& routes() {
    static const rivet::http::router r = [] {
        rivet::http::router r;
        for (const char* p : {"/", "/plaintext", "/json", "/users/:id", "/users/new",
                              "/users/:id/posts/:post", "/files/*path", "/a/b/c", "/ab"}) {
            r.get(p, {});
        }
        r.post("/echo", {});
        return r;
    }();
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    std::size_t split = data[0] % (size);
    std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    if (split > text.size()) split = text.size();

    using namespace rivet::http::detail;
    parser_limits limits;
    limits.max_head = 4096;
    limits.max_body = 4096;
    request_parser parser(limits);
    parser.reset();
    parse_state state = parser.parse_head(text.data(), split, 0);
    if (state == parse_state::need_more) state = parser.parse_head(text.data(), text.size(), split);
    if (state != parse_state::head_complete) return 0;
    check(parser.head_length() <= text.size());
    for (const field_span& f : parser.fields()) {
        check(f.name_offset + f.name_length <= parser.head_length());
        check(f.value_offset + f.value_length <= parser.head_length());
    }
    std::string_view target = parser.target(text.data());
    check(target.data() >= text.data() &&
          target.data() + target.size() <= text.data() + text.size());

    std::string decoded;
    target_parts parts;
    if (split_target(target, parts)) {
        std::string_view path = decode_path(parts.path, decoded);
        check(path.size() <= parts.path.size());
        rivet::http::path_params params;
        auto found = routes().match(rivet::http::method::get, path, params);
        if (found.kind == rivet::http::route_match::found) {
            for (std::size_t i = 0; i < params.size(); ++i) {
                std::string_view v = params[i].second;
                check(v.data() >= path.data() && v.data() + v.size() <= path.data() + path.size());
            }
        }
        std::vector<query_pair> query;
        std::string scratch;
        parse_query(parts.query, query, scratch);
    }

    std::vector<std::span<const char>> pieces;
    std::size_t at = parser.head_length();
    std::size_t consumed = 0;
    state = parser.parse_body(text.data() + at, text.size() - at, consumed, pieces);
    check(consumed <= text.size() - at);
    for (auto piece : pieces) {
        check(piece.data() >= text.data() + at &&
              piece.data() + piece.size() <= text.data() + text.size());
    }
    return 0;
}
