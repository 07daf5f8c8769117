// The request parser: llhttp driven in two phases, with rivet's limits and
// smuggling checks on top.
//
// Phase one, parse_head(), is fed the bytes of the connection's buffer from
// the start of the request and stops (llhttp paused) right after the head,
// so the body is not touched until a handler asks for it. Names, values and
// the target are kept as offsets from the start of the request: the
// connection may move the request's bytes to the front of its buffer
// between calls (never after the head is complete), and offsets survive that.
//
// Phase two, parse_body(), is fed the bytes after the head; it reports the
// body's pieces (pointers into the bytes given, valid until the next call)
// and stops at the end of the message, so pipelined requests behind it are
// left in the buffer.
//
// Errors carry the status to answer with: 400 malformed or smuggling, 413
// body too large, 414 target too long, 431 head too large or too many
// header fields, 417 an Expect other than 100-continue, 505 a version other
// than 1.0 and 1.1. After an error the connection must be closed: the
// parser's position in the stream is lost.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace rivet::http::detail {

struct parser_limits {
    std::size_t max_target = 8 * 1024;
    std::size_t max_head = 16 * 1024;
    std::size_t max_headers = 100;
    std::uint64_t max_body = 1024 * 1024;
};

/// A header field as offsets from the start of the request.
struct field_span {
    std::uint32_t name_offset = 0, name_length = 0;
    std::uint32_t value_offset = 0, value_length = 0;
};

enum class parse_state { need_more, head_complete, message_complete, error };

class request_parser {
public:
    explicit request_parser(parser_limits limits);
    request_parser(const request_parser&) = delete;
    request_parser& operator=(const request_parser&) = delete;

    /// Starts a new request (after the previous one's message completed).
    void reset();

    /// Parses the request's bytes `request[0, size)`, of which the first
    /// `parsed` were given before; returns need_more, head_complete (the
    /// head ends at head_length()) or error. Bytes in `request` must not
    /// change between calls except by moving the whole request.
    parse_state parse_head(const char* request, std::size_t size, std::size_t parsed);

    /// Parses body bytes; fills `pieces` with the body data found in them.
    /// Returns need_more (all of `data` consumed), message_complete (`consumed`
    /// says how much was the message's) or error.
    parse_state parse_body(const char* data, std::size_t size, std::size_t& consumed,
                           std::vector<std::span<const char>>& pieces);

    // The head, once parse_head returned head_complete.
    [[nodiscard]] std::size_t head_length() const noexcept { return head_length_; }
    [[nodiscard]] std::string_view method_name() const noexcept;
    [[nodiscard]] std::string_view target(const char* request) const noexcept {
        return {request + target_offset_, target_length_};
    }
    /// True for a HEAD request; known once the target has begun (llhttp
    /// reports it after the method), so also when the head then fails.
    [[nodiscard]] bool is_head() const noexcept {
        return target_length_ > 0 && parser_.method == HTTP_HEAD;
    }
    [[nodiscard]] const std::vector<field_span>& fields() const noexcept { return fields_; }
    [[nodiscard]] int version_minor() const noexcept { return parser_.http_minor; }
    [[nodiscard]] bool keep_alive() const noexcept { return keep_alive_; }
    [[nodiscard]] bool chunked() const noexcept { return (parser_.flags & F_CHUNKED) != 0; }
    [[nodiscard]] bool has_content_length() const noexcept {
        return (parser_.flags & F_CONTENT_LENGTH) != 0;
    }
    /// The declared Content-Length (valid when has_content_length()).
    [[nodiscard]] std::uint64_t content_length() const noexcept { return content_length_; }
    /// True when the request has a body to read (a length above zero, or chunked).
    [[nodiscard]] bool has_body() const noexcept {
        return chunked() || (has_content_length() && content_length_ > 0);
    }
    [[nodiscard]] bool expects_continue() const noexcept { return expect_continue_; }

    /// The status to answer an error with, and why (for logs).
    [[nodiscard]] int error_status() const noexcept { return error_status_; }
    [[nodiscard]] const char* error_reason() const noexcept { return error_reason_; }

private:
    static int on_url(llhttp_t* p, const char* at, std::size_t n);
    static int on_header_field(llhttp_t* p, const char* at, std::size_t n);
    static int on_header_value(llhttp_t* p, const char* at, std::size_t n);
    static int on_headers_complete(llhttp_t* p);
    static int on_body(llhttp_t* p, const char* at, std::size_t n);
    static int on_message_complete(llhttp_t* p);
    static int on_chunk_header(llhttp_t* p);
    static request_parser& self(llhttp_t* p) noexcept;

    parse_state fail(int status, const char* reason) noexcept;
    parse_state fail_from_llhttp(llhttp_errno_t err) noexcept;
    /// RFC 9112's framing rules llhttp's loose mode lets through: bare LF and
    /// obsolete line folding in the head; duplicate Content-Length.
    bool head_is_strict(const char* request) noexcept;

    llhttp_t parser_{};
    llhttp_settings_t settings_{};
    parser_limits limits_;

    const char* base_ = nullptr;  // start of the request during parse_head
    std::uint32_t target_offset_ = 0, target_length_ = 0;
    std::vector<field_span> fields_;
    bool in_value_ = false;
    std::size_t head_length_ = 0;
    bool head_done_ = false;
    bool message_done_ = false;
    bool keep_alive_ = false;
    bool expect_continue_ = false;
    std::uint64_t content_length_ = 0;
    std::uint64_t body_seen_ = 0;
    std::vector<std::span<const char>>* pieces_ = nullptr;
    // llhttp 8 accepts a chunk's data without the CRLF that must follow it
    // ("3\r\nabcdef..." reads "def" as the next chunk's size): a smuggling
    // vector, so rivet checks those two bytes itself.
    const char* data_end_ = nullptr;  // end of the bytes given to parse_body
    std::uint64_t chunk_left_ = 0;    // data bytes left in the current chunk
    unsigned crlf_pending_ = 0;       // bytes of that CRLF not seen yet (next call)
    bool check_crlf(const char* at, unsigned from, unsigned count) noexcept;
    // Its loose mode also ends chunk-size, extension, last-chunk and trailer
    // lines at a bare CR or LF, and takes obs-fold in trailers: every byte
    // of a chunked body that is not chunk data is checked here too, as the
    // head is (head_is_strict). `framing_from_` is where the unchecked
    // framing bytes of the current call start.
    const char* framing_from_ = nullptr;
    bool framing_cr_ = false;         // the last framing byte was a CR
    bool framing_line_start_ = true;  // the last framing byte ended a line
    bool check_framing(const char* to) noexcept;

    int error_status_ = 0;
    const char* error_reason_ = "";
};

}  // namespace rivet::http::detail
