#include "target.hpp"

namespace rivet::http::detail {

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Appends the decoding of `text` to `out`; false on a malformed escape when `strict`.
bool decode_into(std::string_view text, bool plus_is_space, bool strict, std::string& out) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            bool room = i + 2 < text.size();
            int hi = room ? hex_value(text[i + 1]) : -1;
            int lo = room ? hex_value(text[i + 2]) : -1;
            if (hi >= 0 && lo >= 0) {
                if (strict && hi == 0 && lo == 0) return false;
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
            if (strict) return false;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        out.push_back(c);
    }
    return true;
}

// RFC 3986 5.2.4: "/a/./b/../c" -> "/a/c"; a dot segment at the end leaves
// a trailing slash ("/a/b/.." -> "/a/"); ".." above the root stays at the
// root. `path` starts with '/'.
std::string remove_dot_segments(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    for (std::size_t at = 1;;) {
        std::size_t end = path.find('/', at);
        if (end == std::string_view::npos) end = path.size();
        std::string_view segment = path.substr(at, end - at);
        bool dots = segment == "." || segment == "..";
        if (segment == "..") {
            std::size_t cut = out.rfind('/');
            if (cut != std::string::npos) out.resize(cut);
        } else if (!dots) {
            out.push_back('/');
            out.append(segment);
        }
        if (end == path.size()) {
            if (dots) out.push_back('/');
            break;
        }
        at = end + 1;
    }
    return out.empty() ? std::string("/") : out;
}

bool has_dot_segment(std::string_view path) noexcept {
    for (std::size_t at = path.find("/."); at != std::string_view::npos;
         at = path.find("/.", at + 1)) {
        std::string_view rest = path.substr(at + 2);
        if (rest.empty() || rest[0] == '/') return true;
        if (rest[0] == '.' && (rest.size() == 1 || rest[1] == '/')) return true;
    }
    return false;
}

}  // namespace

bool split_target(std::string_view target, target_parts& out) noexcept {
    if (target == "*") {
        out = {target, {}};
        return true;
    }
    if (!target.starts_with('/')) {
        std::size_t scheme = target.find("://");
        if (scheme == std::string_view::npos || scheme == 0) return false;
        std::size_t slash = target.find('/', scheme + 3);
        std::size_t query = target.find('?', scheme + 3);
        if (slash == std::string_view::npos || (query != std::string_view::npos && query < slash)) {
            // "http://host" or "http://host?x": the path is "/" (RFC 9112 3.2.2).
            out.path = "/";
            out.query =
                query == std::string_view::npos ? std::string_view{} : target.substr(query + 1);
            return true;
        }
        target = target.substr(slash);
    }
    std::size_t query = target.find('?');
    if (query == std::string_view::npos) {
        out = {target, {}};
    } else {
        out = {target.substr(0, query), target.substr(query + 1)};
    }
    // A fragment is never sent; one that is makes the target malformed.
    return out.path.find('#') == std::string_view::npos;
}

std::string_view decode_path(std::string_view path, std::string& scratch) {
    if (path.find('%') != std::string_view::npos) {
        scratch.clear();
        if (!decode_into(path, false, true, scratch) || scratch.empty()) return {};
        path = scratch;
    }
    if (!path.starts_with('/') || !has_dot_segment(path)) return path;
    scratch = remove_dot_segments(path);  // built apart, then assigned: `path` may view scratch
    return scratch;
}

void parse_query(std::string_view query, std::vector<query_pair>& out, std::string& scratch) {
    out.clear();
    scratch.clear();
    scratch.reserve(query.size());  // decoding never grows text: views stay valid
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        std::size_t eq = pair.find('=');
        std::string_view name = pair.substr(0, eq);
        std::string_view value =
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        std::size_t start = scratch.size();
        decode_into(name, true, false, scratch);
        std::size_t middle = scratch.size();
        decode_into(value, true, false, scratch);
        out.push_back({std::string_view(scratch).substr(start, middle - start),
                       std::string_view(scratch).substr(middle)});
    }
}

}  // namespace rivet::http::detail
