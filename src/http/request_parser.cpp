#include "request_parser.hpp"

#include <cstring>
#include <rivet/http/headers.hpp>

namespace rivet::http::detail {

namespace {

std::string_view view(const char* base, std::uint32_t offset, std::uint32_t length) {
    return {base + offset, length};
}

}  // namespace

request_parser::request_parser(parser_limits limits) : limits_(limits) {
    llhttp_settings_init(&settings_);
    settings_.on_url = &on_url;
    settings_.on_header_field = &on_header_field;
    settings_.on_header_value = &on_header_value;
    settings_.on_headers_complete = &on_headers_complete;
    settings_.on_body = &on_body;
    settings_.on_message_complete = &on_message_complete;
    settings_.on_chunk_header = &on_chunk_header;
    llhttp_init(&parser_, HTTP_REQUEST, &settings_);
    parser_.data = this;
    fields_.reserve(32);
}

request_parser& request_parser::self(llhttp_t* p) noexcept {
    return *static_cast<request_parser*>(p->data);
}

void request_parser::reset() {
    // llhttp is paused at the end of the previous message: resume it where
    // the next one begins rather than re-initialising, which keeps its
    // settings and costs nothing.
    if (llhttp_get_errno(&parser_) == HPE_PAUSED) llhttp_resume(&parser_);
    target_offset_ = target_length_ = 0;
    fields_.clear();
    in_value_ = false;
    head_length_ = 0;
    head_done_ = message_done_ = false;
    keep_alive_ = expect_continue_ = false;
    content_length_ = body_seen_ = 0;
    chunk_left_ = 0;
    crlf_pending_ = 0;
    framing_cr_ = false;
    framing_line_start_ = true;
    error_status_ = 0;
    error_reason_ = "";
}

std::string_view request_parser::method_name() const noexcept {
    return llhttp_method_name(static_cast<llhttp_method_t>(parser_.method));
}

parse_state request_parser::fail(int status, const char* reason) noexcept {
    if (error_status_ == 0) {
        error_status_ = status;
        error_reason_ = reason;
    }
    return parse_state::error;
}

parse_state request_parser::fail_from_llhttp(llhttp_errno_t err) noexcept {
    if (error_status_ != 0) return parse_state::error;  // a callback set it (a limit)
    const char* reason = llhttp_get_error_reason(&parser_);
    if (reason == nullptr) reason = llhttp_errno_name(err);
    // Including a request whose final transfer coding is not chunked: RFC 9112
    // 6.3 says its length cannot be determined, so 400 and close.
    return fail(400, reason);
}

parse_state request_parser::parse_head(const char* request, std::size_t size, std::size_t parsed) {
    base_ = request;
    llhttp_errno_t err = llhttp_execute(&parser_, request + parsed, size - parsed);
    if (err == HPE_PAUSED && head_done_) {
        head_length_ = static_cast<std::size_t>(llhttp_get_error_pos(&parser_) - request);
        // The whole head may arrive in one read: the limit holds either way.
        if (head_length_ > limits_.max_head) return fail(431, "request head too large");
        if (!head_is_strict(request)) return parse_state::error;
        return parse_state::head_complete;
    }
    if (err != HPE_OK) return fail_from_llhttp(err);
    if (size > limits_.max_head) return fail(431, "request head too large");
    return parse_state::need_more;
}

bool request_parser::head_is_strict(const char* request) noexcept {
    // One space on each side of the target (llhttp takes a run of them), and
    // HTTP/1.0 or 1.1: llhttp also takes 0.9 and 2.0, and reads a target
    // followed by anything but a space as a 0.9 request line.
    std::size_t target_end = target_offset_ + target_length_;
    std::string_view after_target(request + target_end, head_length_ - target_end);
    if (target_length_ == 0 || request[target_offset_ - 2] == ' ' ||
        !after_target.starts_with(" HTTP/")) {
        fail(400, "malformed request line");
        return false;
    }
    if (parser_.http_major != 1 || parser_.http_minor > 1) {
        fail(505, "HTTP version not supported");
        return false;
    }
    // Lines end in CRLF (RFC 9112 2.2: a bare LF is refused, since a proxy
    // in front may frame the stream differently), and no line starts with
    // whitespace (obs-fold, 5.2).
    const char* p = request;
    const char* end = request + head_length_;
    while (
        (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))))) {
        if (p == request || p[-1] != '\r') {
            fail(400, "bare LF in request head");
            return false;
        }
        ++p;
        if (p < end && (*p == ' ' || *p == '\t')) {
            fail(400, "obsolete line folding in request head");
            return false;
        }
    }
    std::size_t lengths = 0, hosts = 0;
    for (field_span& f : fields_) {
        // llhttp keeps trailing whitespace in values; RFC 9110 5.5 says it is not part of it.
        while (f.value_length > 0 && (request[f.value_offset + f.value_length - 1] == ' ' ||
                                      request[f.value_offset + f.value_length - 1] == '\t')) {
            --f.value_length;
        }
        std::string_view name = view(request, f.name_offset, f.name_length);
        // By length first: most fields are none of these, and need no comparison.
        switch (name.size()) {
            case 0:  // llhttp takes ": x" as a field with no name
                fail(400, "empty header name");
                return false;
            case 4:
                hosts += iequals(name, "host") ? 1 : 0;
                break;
            case 14:
                lengths += iequals(name, "content-length") ? 1 : 0;
                break;
            case 6:
                if (!iequals(name, "expect")) break;
                if (!iequals(view(request, f.value_offset, f.value_length), "100-continue")) {
                    fail(417, "unsupported Expect");
                    return false;
                }
                // RFC 9110 10.1.1: a 1.0 client cannot read a 100; its expectation is ignored.
                expect_continue_ = parser_.http_minor >= 1;
                break;
            case 17:
                if (!iequals(name, "transfer-encoding")) break;
                // RFC 9112 6.1: an HTTP/1.0 request's framing with it is faulty.
                if (parser_.http_minor == 0) {
                    fail(400, "Transfer-Encoding in an HTTP/1.0 request");
                    return false;
                }
                // llhttp frames the body as if it were absent; another parser
                // in front may not.
                if (f.value_length == 0) {
                    fail(400, "empty Transfer-Encoding");
                    return false;
                }
                break;
            default:
                break;
        }
    }
    if (lengths > 1) {
        fail(400, "duplicate Content-Length");
        return false;
    }
    // RFC 9112 3.2: a 1.1 request has exactly one Host; more than one is refused in any version.
    if (hosts > 1 || (hosts == 0 && parser_.http_minor >= 1)) {
        fail(400, hosts > 1 ? "duplicate Host" : "missing Host");
        return false;
    }
    return true;
}

parse_state request_parser::parse_body(const char* data, std::size_t size, std::size_t& consumed,
                                       std::vector<std::span<const char>>& pieces) {
    if (llhttp_get_errno(&parser_) == HPE_PAUSED) llhttp_resume(&parser_);
    if (crlf_pending_ > 0) {  // the CRLF after the last chunk's data began in the previous bytes
        unsigned n = size < crlf_pending_ ? static_cast<unsigned>(size) : crlf_pending_;
        if (!check_crlf(data, 2 - crlf_pending_, n)) return parse_state::error;
        crlf_pending_ -= n;
    }
    data_end_ = data + size;
    framing_from_ = data;
    pieces_ = &pieces;
    llhttp_errno_t err = llhttp_execute(&parser_, data, size);
    pieces_ = nullptr;
    if (err == HPE_PAUSED && message_done_) {
        consumed = static_cast<std::size_t>(llhttp_get_error_pos(&parser_) - data);
        if (!check_framing(data + consumed)) return parse_state::error;
        return parse_state::message_complete;
    }
    if (err != HPE_OK) return fail_from_llhttp(err);
    if (!check_framing(data + size)) return parse_state::error;
    consumed = size;
    return parse_state::need_more;
}

int request_parser::on_url(llhttp_t* p, const char* at, std::size_t n) {
    request_parser& s = self(p);
    if (s.target_length_ == 0) s.target_offset_ = static_cast<std::uint32_t>(at - s.base_);
    s.target_length_ += static_cast<std::uint32_t>(n);
    if (s.target_length_ > s.limits_.max_target) {
        s.fail(414, "request target too long");
        return -1;
    }
    return 0;
}

int request_parser::on_header_field(llhttp_t* p, const char* at, std::size_t n) {
    request_parser& s = self(p);
    if (s.fields_.empty() || s.in_value_) {
        if (s.fields_.size() >= s.limits_.max_headers) {
            s.fail(431, "too many header fields");
            return -1;
        }
        s.fields_.push_back({static_cast<std::uint32_t>(at - s.base_), 0, 0, 0});
        s.in_value_ = false;
    }
    s.fields_.back().name_length += static_cast<std::uint32_t>(n);
    return 0;
}

int request_parser::on_header_value(llhttp_t* p, const char* at, std::size_t n) {
    request_parser& s = self(p);
    field_span& f = s.fields_.back();
    if (!s.in_value_) {
        f.value_offset = static_cast<std::uint32_t>(at - s.base_);
        s.in_value_ = true;
    }
    f.value_length += static_cast<std::uint32_t>(n);
    return 0;
}

int request_parser::on_headers_complete(llhttp_t* p) {
    request_parser& s = self(p);
    s.head_done_ = true;
    // An upgrade (or CONNECT) hands the stream to another protocol, which
    // rivet does not speak: answer the request, then close.
    s.keep_alive_ = llhttp_should_keep_alive(p) != 0 && p->upgrade == 0;
    if ((p->flags & F_CONTENT_LENGTH) != 0) {
        s.content_length_ = p->content_length;
        if (s.content_length_ > s.limits_.max_body) {
            s.fail(413, "request body too large");
            return -1;
        }
    }
    return HPE_PAUSED;
}

bool request_parser::check_crlf(const char* at, unsigned from, unsigned count) noexcept {
    static constexpr char crlf[] = "\r\n";
    for (unsigned i = 0; i < count; ++i) {
        if (at[i] != crlf[from + i]) {
            fail(400, "chunk data not followed by CRLF");
            return false;
        }
    }
    return true;
}

bool request_parser::check_framing(const char* to) noexcept {
    if ((parser_.flags & F_CHUNKED) == 0) return true;  // a Content-Length body is all data
    for (const char* p = framing_from_; p < to; ++p) {
        const char c = *p;
        const char* problem = nullptr;
        if (framing_cr_ && c != '\n') {
            problem = "bare CR in chunked framing";
        } else if (c == '\n' && !framing_cr_) {
            problem = "bare LF in chunked framing";
        } else if (framing_line_start_ && (c == ' ' || c == '\t')) {
            problem = "obsolete line folding in chunked framing";
        }
        if (problem != nullptr) {
            fail(400, problem);
            return false;
        }
        framing_cr_ = c == '\r';
        framing_line_start_ = c == '\n';
    }
    framing_from_ = to;
    return true;
}

int request_parser::on_chunk_header(llhttp_t* p) {
    request_parser& s = self(p);
    s.chunk_left_ = p->content_length;
    if (p->content_length > s.limits_.max_body - s.body_seen_) {
        s.fail(413, "request body too large");
        return -1;
    }
    return 0;
}

int request_parser::on_body(llhttp_t* p, const char* at, std::size_t n) {
    request_parser& s = self(p);
    s.body_seen_ += n;
    if (s.body_seen_ > s.limits_.max_body) {
        s.fail(413, "request body too large");
        return -1;
    }
    if ((p->flags & F_CHUNKED) != 0) {
        if (!s.check_framing(at)) return -1;  // what came before this data
        s.framing_from_ = at + n;
        if (n > s.chunk_left_) {
            s.fail(400, "chunk longer than its size");
            return -1;
        }
        s.chunk_left_ -= n;
        if (s.chunk_left_ == 0) {
            const char* after = at + n;
            auto available = static_cast<std::size_t>(s.data_end_ - after);
            unsigned now = available < 2 ? static_cast<unsigned>(available) : 2;
            if (!s.check_crlf(after, 0, now)) return -1;
            s.crlf_pending_ = 2 - now;
        }
    }
    if (s.pieces_ != nullptr) s.pieces_->push_back({at, n});
    return 0;
}

int request_parser::on_message_complete(llhttp_t* p) {
    self(p).message_done_ = true;
    return HPE_PAUSED;
}

}  // namespace rivet::http::detail
