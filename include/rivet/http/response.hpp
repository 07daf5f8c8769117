// response: what a handler fills in.
//
// By default a handler sets a status, headers and a body, and returns; the
// connection then writes the head and the body in one call (with
// Content-Length, a cached Date, and Connection: close when closing). The
// body buffer belongs to the connection and is reused from request to
// request, so a JSON writer or set_body() allocates nothing in steady state.
//
// Two other ways to send a body:
//  - send_file(path): the file is sent with sendfile(2) after the handler
//    returns (Content-Length from its size);
//  - write(chunk): streams. The first call sends the head (chunked transfer
//    coding on HTTP/1.1; on HTTP/1.0 no coding and the connection closes at
//    the end), each call one chunk; the connection ends the stream after the
//    handler returns. Headers set after the first write() are not sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <rivet/http/json_writer.hpp>
#include <rivet/runtime/task.hpp>
#include <span>
#include <string>
#include <string_view>

namespace rivet::http {

class response;

namespace detail {
class connection;

/// Where a streamed response goes (the connection).
class response_sink {
public:
    virtual runtime::task<void> write_chunk(response& r, std::string_view data) = 0;

protected:
    ~response_sink() = default;
};
}  // namespace detail

class response {
public:
    response() = default;
    ~response();
    response(const response&) = delete;
    response& operator=(const response&) = delete;

    /// Sets the status (200 unless set).
    void set_status(int status) noexcept { status_ = status; }
    [[nodiscard]] int status() const noexcept { return status_; }

    /// Replaces every header named `name` (any case) with this one. Throws
    /// std::invalid_argument for a name or value with CR, LF or NUL (which
    /// would let a value split the response), an empty name, or a header
    /// that frames the message (Content-Length, Transfer-Encoding,
    /// Connection: the server sets those; close_connection() asks for a close).
    void set_header(std::string_view name, std::string_view value);
    /// Adds a header, keeping others of the same name (Set-Cookie). Throws as set_header.
    void add_header(std::string_view name, std::string_view value);
    /// The first header named `name` (any case) set so far.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
    /// Removes every header named `name` (any case).
    void remove_header(std::string_view name);

    /// Sets the body (copied into the connection's buffer) and its Content-Type.
    void set_body(std::string_view body,
                  std::string_view content_type = "text/plain; charset=utf-8");
    void set_body(std::span<const std::byte> body,
                  std::string_view content_type = "application/octet-stream");
    /// The body buffer itself, to append to.
    [[nodiscard]] std::string& body() noexcept { return *body_; }

    /// Clears the body, sets Content-Type: application/json, and returns a
    /// writer appending to the body buffer.
    [[nodiscard]] json_writer json();

    /// Sends the file at `path` as the body (sendfile), with `content_type`.
    /// Throws std::system_error when the file cannot be opened.
    void send_file(const std::string& path,
                   std::string_view content_type = "application/octet-stream");

    /// Streams `data` as the next piece of the body (see the header comment).
    /// Throws std::system_error when the client is gone.
    [[nodiscard]] runtime::task<void> write(std::string_view data);

    /// Closes the connection after this response (sends Connection: close).
    void close_connection() noexcept { close_ = true; }
    [[nodiscard]] bool closing() const noexcept { return close_; }
    /// True once write() has sent the head.
    [[nodiscard]] bool streaming() const noexcept { return streaming_; }

private:
    friend class detail::connection;

    void reset(std::string* body) noexcept;
    void close_file() noexcept;

    int status_ = 200;
    std::string headers_;  // "Name: value\r\n" lines, ready to send
    std::string* body_ = nullptr;
    std::string own_body_;  // used when no connection lends a buffer (tests)
    int file_fd_ = -1;
    std::uint64_t file_size_ = 0;
    bool close_ = false;
    bool streaming_ = false;
    bool head_only_ = false;  // a HEAD request: the body is counted, not sent
    detail::response_sink* sink_ = nullptr;
};

}  // namespace rivet::http
