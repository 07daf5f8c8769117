// request: what a handler sees of an HTTP request.
//
// Everything here is a view into the connection's buffers, valid until the
// handler's task finishes: the method, the target, the decoded path, the
// path parameters the router captured, the headers (original case kept,
// case-insensitive lookup). Copy what must outlive the handler.
//
// Nothing is parsed before it is asked for: the query string is split and
// decoded on the first query() call, and the body is not read from the
// socket until body(), read_body() or json() is awaited (a client that sent
// `Expect: 100-continue` gets its 100 then). A body the handler never reads
// is discarded by the connection after the response (or the connection is
// closed when it is larger than the limit allows discarding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <rivet/http/headers.hpp>
#include <rivet/http/method.hpp>
#include <rivet/http/path_params.hpp>
#include <rivet/http/query.hpp>
#include <rivet/runtime/task.hpp>
#include <rivet/runtime/tcp.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace simdjson::dom {
class element;
}

namespace rivet::http {

namespace detail {
class connection;

/// Where a request's body comes from (the connection reading its socket).
class body_source {
public:
    /// Reads body bytes into `out`; returns 0 at the end of the body.
    /// Throws http_error (400 malformed, 413 too large, 408 too slow).
    virtual runtime::task<std::size_t> read_body(std::span<char> out) = 0;
    /// Parses `text` as JSON; the element lives until the next parse on this connection.
    virtual simdjson::dom::element parse_json(std::string_view text) = 0;

protected:
    ~body_source() = default;
};
}  // namespace detail

class request {
public:
    request() = default;
    request(const request&) = delete;
    request& operator=(const request&) = delete;

    [[nodiscard]] http::method method() const noexcept { return method_; }
    /// The method as sent ("GET", "PROPFIND"...).
    [[nodiscard]] std::string_view method_name() const noexcept { return method_name_; }
    /// The request target as sent: "/users/42?full=1".
    [[nodiscard]] std::string_view target() const noexcept { return target_; }
    /// The path, percent-decoded: "/caf\xc3\xa9" for "/caf%C3%A9".
    [[nodiscard]] std::string_view path() const noexcept { return path_; }
    /// The query string as sent, without '?'.
    [[nodiscard]] std::string_view raw_query() const noexcept { return raw_query_; }
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    [[nodiscard]] int version_minor() const noexcept { return version_minor_; }
    /// True when the connection stays open after this request (HTTP/1.1 without
    /// `Connection: close`, or HTTP/1.0 with `Connection: keep-alive`).
    [[nodiscard]] bool keep_alive() const noexcept { return keep_alive_; }

    /// The value of the query parameter `name` (decoded), if present; the
    /// query string is parsed on the first call.
    [[nodiscard]] std::optional<std::string_view> query(std::string_view name);
    /// Every query parameter in order (parsed on the first call).
    [[nodiscard]] const std::vector<query_param>& query_params();

    /// The router's captures (`:id`, `*rest`).
    [[nodiscard]] const path_params& params() const noexcept { return params_; }
    /// The captured value of `name`, or "" when the route has no such parameter.
    [[nodiscard]] std::string_view param(std::string_view name) const noexcept {
        return params_.get(name).value_or(std::string_view{});
    }

    [[nodiscard]] const header_map& headers() const noexcept { return headers_; }
    /// The first header named `name` (any case).
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept {
        return headers_.get(name);
    }

    /// The declared body length, when the request has a Content-Length.
    [[nodiscard]] std::optional<std::uint64_t> content_length() const noexcept {
        return content_length_;
    }
    /// True for a chunked request body.
    [[nodiscard]] bool chunked() const noexcept { return chunked_; }

    /// Reads the whole body (once; later calls return the same text). Throws
    /// http_error: 413 over the body limit, 400 malformed, 408 too slow.
    [[nodiscard]] runtime::task<std::string_view> body();
    /// Reads the next piece of the body into `out`; returns 0 at its end.
    /// For streaming large bodies; do not mix with body().
    [[nodiscard]] runtime::task<std::size_t> read_body(std::span<char> out);
    /// Reads the body and parses it as JSON (simdjson's DOM; include
    /// <rivet/http/json.hpp> to use the result). Throws http_error(400,
    /// "invalid JSON: ...") when it is not JSON. The element is valid until
    /// the handler returns.
    [[nodiscard]] runtime::task<simdjson::dom::element> json();

    [[nodiscard]] const runtime::socket_address& peer() const noexcept { return *peer_; }

    /// An identifier for logs (set by the request_id middleware; else empty).
    [[nodiscard]] std::string_view id() const noexcept { return id_; }
    void set_id(std::string id) { id_ = std::move(id); }

private:
    friend class detail::connection;
    friend class router;

    http::method method_ = http::method::get;
    std::string_view method_name_, target_, path_, raw_query_;
    int version_minor_ = 1;
    bool keep_alive_ = true;
    bool chunked_ = false;
    std::optional<std::uint64_t> content_length_;
    header_map headers_;
    path_params params_;
    bool query_parsed_ = false;
    std::vector<query_param> query_;
    std::string query_scratch_;
    bool body_read_ = false;
    std::string body_;
    std::string id_;
    const runtime::socket_address* peer_ = nullptr;
    detail::body_source* source_ = nullptr;
};

}  // namespace rivet::http
