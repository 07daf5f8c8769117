#include "connection.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>
#include <rivet/http/error.hpp>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/time.hpp>
#include <system_error>

#include "date_cache.hpp"
#include "target.hpp"

namespace rivet::http::detail {

namespace {

parser_limits limits_of(const server_config& c) {
    return {c.max_target, c.max_head, c.max_headers, c.max_body};
}

void append_number(std::string& out, std::uint64_t n) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out.append(digits, end);
}

bool status_has_body(int status) { return status >= 200 && status != 204 && status != 304; }

std::int64_t nanoseconds(std::chrono::milliseconds timeout) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
}

// Stops a deadline's clock while it lives (given none, does nothing).
class stopped_clock {
public:
    explicit stopped_clock(runtime::detail::timeout_scope* deadline) noexcept
        : deadline_(deadline) {
        if (deadline_ != nullptr) deadline_->pause();
    }
    ~stopped_clock() {
        if (deadline_ != nullptr) deadline_->resume();
    }
    stopped_clock(const stopped_clock&) = delete;
    stopped_clock& operator=(const stopped_clock&) = delete;

private:
    runtime::detail::timeout_scope* deadline_;
};

}  // namespace

connection::connection(server_state& server, runtime::tcp_stream stream)
    : server_(server),
      stream_(std::move(stream)),
      buffer_(new char[server.config.max_head + 16384]),
      capacity_(server.config.max_head + 16384),
      parser_(limits_of(server.config)),
      json_(nullptr, &destroy_json_parser) {
    entry_.fd = stream_.native_handle();
    std::lock_guard lock(server_.registry_lock);
    server_.registry.push_back(entry_);
}

connection::~connection() {
    std::lock_guard lock(server_.registry_lock);
    server_.registry.erase(entry_);
}

void connection::set_busy(bool busy) noexcept { entry_.busy.store(busy); }

runtime::task<void> connection::run() {
    try {
        for (;;) {
            head_result head = co_await read_head();
            if (head == head_result::closed) break;
            if (head == head_result::failed) break;  // the error response is in out_
            if (!build_request()) break;
            co_await dispatch();
            // A body left unread when the connection closes anyway (a
            // handler timeout, a failed stream) is lingered over too: closing
            // with it unread would reset the connection under the response.
            if (!body_done_ && (close_after_ || !co_await discard_body())) {
                close_after_ = unread_input_ = true;
            }
            if (response_.streaming_) {
                if (response_.status_ == -1) break;  // failed mid-stream: nothing more to send
                // The head went out at the first write; a close asked for
                // after it still ends the connection.
                if (response_.close_) close_after_ = true;
            } else {
                if (append_response()) co_await flush(body_);
                if (response_.file_fd_ >= 0 && !response_.head_only_) {
                    co_await flush();
                    co_await send_file();
                }
            }
            if (close_after_) break;
            start_ = message_end_;
            // Batch the responses to pipelined requests already buffered;
            // read_head() writes them before it waits for the client.
            if (out_.size() > copy_limit) co_await flush();
        }
        co_await flush();
        if (unread_input_) co_await lingering_close();
    } catch (const runtime::cancelled_error&) {
        throw;  // the server is stopping hard (or the runtime): unwind
    } catch (const std::exception&) {
        // The client reset or vanished mid-write: routine for a server.
    }
}

runtime::task<connection::head_result> connection::read_head() {
    parser_.reset();
    parsed_ = 0;
    head_deadline_ = 0;
    for (;;) {
        if (end_ > start_ + parsed_) {
            parse_state state = parser_.parse_head(buffer_.get() + start_, end_ - start_, parsed_);
            parsed_ = end_ - start_;
            if (state == parse_state::head_complete) {
                // The body is read into the room after the head; behind
                // pipelined requests a head can end at the buffer's very end
                // (a read of 0 bytes then looked like the end of the stream).
                // Nothing refers to these bytes yet but the parser's offsets.
                if (start_ > 0 && capacity_ - (start_ + parser_.head_length()) < min_body_room) {
                    std::memmove(buffer_.get(), buffer_.get() + start_, end_ - start_);
                    end_ -= start_;
                    start_ = 0;
                }
                co_return head_result::complete;
            }
            if (state == parse_state::error) {
                append_error(parser_.error_status(), parser_.error_reason());
                co_return head_result::failed;
            }
        }
        if (!out_.empty()) co_await flush();
        if (start_ > 0) {  // only the parser's offsets refer to these bytes: move them
            std::memmove(buffer_.get(), buffer_.get() + start_, end_ - start_);
            end_ -= start_;
            start_ = 0;
        }
        bool idle = end_ == 0;
        if (idle) {
            set_busy(false);
            if (server_.stopping.load()) co_return head_result::closed;
        } else if (head_deadline_ == 0) {  // the head's first bytes are in: its time runs
            head_deadline_ = coarse_now_ns() + nanoseconds(server_.config.header_timeout);
        }
        std::size_t n = co_await read_more(
            idle ? coarse_now_ns() + nanoseconds(server_.config.idle_timeout) : head_deadline_);
        if (n == 0) {
            if (idle || !entry_.timed_out.load()) co_return head_result::closed;
            append_error(408, "request head not received in time");
            co_return head_result::failed;
        }
        set_busy(true);
    }
}

bool connection::build_request() {
    const char* base = buffer_.get() + start_;
    request& r = request_;
    r.method_name_ = parser_.method_name();
    r.method_ = method_from_string(r.method_name_);
    r.target_ = parser_.target(base);
    r.version_minor_ = parser_.version_minor();
    r.keep_alive_ = parser_.keep_alive();
    r.chunked_ = parser_.chunked();
    r.content_length_.reset();
    if (parser_.has_content_length()) r.content_length_ = parser_.content_length();
    r.headers_.clear();
    for (const field_span& f : parser_.fields()) {
        r.headers_.add({base + f.name_offset, f.name_length},
                       {base + f.value_offset, f.value_length});
    }
    r.params_.clear();
    r.query_parsed_ = r.body_read_ = false;
    r.body_.clear();
    r.id_.clear();
    r.peer_ = &stream_.peer_address();
    r.source_ = this;

    head_end_ = body_at_ = start_ + parser_.head_length();
    body_done_ = continue_sent_ = false;
    pieces_.clear();
    piece_ = piece_offset_ = 0;
    response_.reset(&body_);
    response_.sink_ = this;
    response_.head_only_ = r.method_ == method::head;
    if (!parser_.has_body()) parse_buffered_body();  // completes at once: no body bytes

    target_parts parts;
    std::string_view path;
    if (split_target(r.target_, parts)) path = decode_path(parts.path, decoded_path_);
    if (path.empty()) {
        append_error(400, "malformed request target");
        return false;
    }
    r.path_ = path;
    r.raw_query_ = parts.query;
    return true;
}

bool connection::parse_buffered_body() {
    pieces_.clear();
    piece_ = piece_offset_ = 0;
    std::size_t consumed = 0;
    parse_state state =
        parser_.parse_body(buffer_.get() + body_at_, end_ - body_at_, consumed, pieces_);
    body_at_ += consumed;
    if (state == parse_state::message_complete) {
        body_done_ = true;
        message_end_ = body_at_;
    }
    return state != parse_state::error;
}

runtime::task<std::size_t> connection::read_more(std::int64_t deadline) {
    struct waiting {  // the deadline holds while the read waits, and only then
        connection_entry& entry;
        explicit waiting(connection_entry& e, std::int64_t deadline) : entry(e) {
            entry.read_deadline.store(deadline, std::memory_order_relaxed);
        }
        ~waiting() {
            entry.read_deadline.store(connection_entry::no_deadline, std::memory_order_relaxed);
        }
    } guard(entry_, deadline);
    std::span<std::byte> room(reinterpret_cast<std::byte*>(buffer_.get() + end_), capacity_ - end_);
    std::size_t n = co_await stream_.read(room);
    end_ += n;
    co_return n;
}

runtime::task<std::size_t> connection::read_body(std::span<char> out) {
    for (;;) {
        if (piece_ < pieces_.size()) {
            std::span<const char> piece = pieces_[piece_];
            std::size_t n = std::min(out.size(), piece.size() - piece_offset_);
            std::memcpy(out.data(), piece.data() + piece_offset_, n);
            piece_offset_ += n;
            if (piece_offset_ == piece.size()) {
                ++piece_;
                piece_offset_ = 0;
            }
            co_return n;
        }
        if (body_done_) co_return 0;
        if (body_at_ < end_) {
            if (!parse_buffered_body()) {
                close_after_ = unread_input_ = true;
                throw http_error(parser_.error_status(), parser_.error_reason());
            }
            continue;
        }
        // Once a streamed response's head is out, a 100 would land inside
        // its body: the client sends the body unasked (RFC 9110 10.1.1 lets
        // it), or discard_body() closes the connection.
        if (parser_.expects_continue() && !continue_sent_ && !response_.streaming_) {
            continue_sent_ = true;
            out_.append("HTTP/1.1 100 Continue\r\n\r\n");
            co_await flush();
        }
        // Every buffered body byte has been handed out: reuse their room.
        end_ = body_at_ = head_end_;
        std::size_t n = 0;
        {
            // A slow upload is the client's time, not the handler's:
            // body_timeout bounds it.
            stopped_clock handler_time(handler_deadline_);
            n = co_await read_more(coarse_now_ns() + nanoseconds(server_.config.body_timeout));
        }
        if (n == 0) {
            close_after_ = unread_input_ = true;
            if (entry_.timed_out.load()) throw http_error(408, "request body not received in time");
            throw http_error(400, "connection closed inside the request body");
        }
    }
}

runtime::task<bool> connection::discard_body() {
    // Without the 100 it asked for, the client may never send the body.
    if (parser_.expects_continue() && !continue_sent_) co_return false;
    std::uint64_t left = server_.config.max_discard;
    if (parser_.has_content_length() && parser_.content_length() > left) co_return false;
    char sink[4096];
    try {
        for (;;) {
            std::size_t n = co_await read_body(sink);
            if (n == 0) co_return true;
            if (n > left) co_return false;
            left -= n;
        }
    } catch (const http_error&) {
        co_return false;
    }
}

runtime::task<void> connection::dispatch() {
    route_match found = server_.routes.match(request_.method_, request_.path_, request_.params_);
    chain c;
    c.outer = server_.chain;
    c.req = &request_;
    c.res = &response_;
    c.guard = &connection::guarded;
    c.context = this;
    switch (found.kind) {
        case route_match::found:
            c.inner = found.target->chain;
            c.last = &found.target->fn;
            break;
        case route_match::not_found:
            c.last = &server_.not_found;
            break;
        case route_match::method_not_allowed:
            response_.set_header("Allow", found.allow);
            // OPTIONS on a path with routes but no OPTIONS route: answered (204 with Allow).
            c.last = request_.method_ == method::options ? &server_.options
                                                         : &server_.method_not_allowed;
            break;
    }
    // Handler errors were answered inside the chain (guarded); what arrives
    // here came from middleware, or is the handler deadline.
    int status = 0;
    std::string message;
    try {
        if (server_.config.handler_timeout.count() > 0) {
            co_await run_chain(c);
        } else {
            co_await c.run(0);
        }
    } catch (const http_error& e) {
        status = e.status();
        message = e.what();
    } catch (const runtime::timeout_error&) {
        status = 503;
        message = "handler did not finish in time";
        close_after_ = true;
        report_failure("handler timed out");
    } catch (const runtime::cancelled_error&) {
        throw;
    } catch (const std::exception& e) {
        status = 500;
        message = "internal server error";
        report_failure(std::string("middleware threw: ") + e.what());
    } catch (...) {
        status = 500;
        message = "internal server error";
        report_failure("middleware threw a non-exception");
    }
    if (status != 0) fail_response(status, message);
    if (response_.streaming_ && response_.status_ != -1 && stream_chunked_ &&
        !response_.head_only_ && status_has_body(response_.status_)) {
        out_.append("0\r\n\r\n");
    }
}

runtime::task<void> connection::run_chain(const chain& c) {
    // runtime::with_timeout, with the scope at hand for read_body.
    runtime::detail::timeout_scope deadline(runtime::clock::now() + server_.config.handler_timeout);
    handler_deadline_ = &deadline;
    struct forget {
        connection* self;
        ~forget() { self->handler_deadline_ = nullptr; }
    } guard{this};
    try {
        co_await c.run(0);
    } catch (const runtime::cancelled_error&) {
        if (deadline.timed_out()) throw runtime::timeout_error();
        throw;
    }
}

runtime::task<void> connection::guarded(const chain& c) {
    auto* self = static_cast<connection*>(c.context);
    int status = 0;
    std::string message;
    try {
        co_await (*c.last)(*c.req, *c.res);
    } catch (const http_error& e) {
        status = e.status();
        message = e.what();
    } catch (const runtime::cancelled_error&) {
        throw;  // the deadline or a stop: for dispatch() to answer
    } catch (const std::exception& e) {
        status = 500;
        message = "internal server error";
        self->report_failure(std::string("handler threw: ") + e.what());
    } catch (...) {
        status = 500;
        message = "internal server error";
        self->report_failure("handler threw a non-exception");
    }
    if (status != 0) self->fail_response(status, message);
}

void connection::fail_response(int status, std::string_view message) {
    if (response_.streaming_) {  // the head is out: closing is the only way to say it failed
        close_after_ = true;
        response_.status_ = -1;
        return;
    }
    response_.close_file();
    response_.remove_header("Content-Type");
    response_.remove_header("Content-Encoding");
    response_.set_status(status);
    response_.set_body(std::string(message) + "\n");
}

void connection::report_failure(std::string_view what) {
    server_.report("http: " + std::string(request_.method_name_) + " " +
                   std::string(request_.target_) + ": " + std::string(what));
}

void connection::append_head(framing how, std::uint64_t content_length) {
    int status = response_.status_;
    if (!close_after_ && (response_.close_ || !request_.keep_alive_ || server_.stopping.load())) {
        close_after_ = true;
    }
    if (status == 200) {  // the common case in one copy
        out_.append("HTTP/1.1 200 OK\r\n");
    } else {
        out_.append("HTTP/1.1 ");
        append_number(out_, static_cast<std::uint64_t>(status));
        out_.push_back(' ');
        out_.append(reason_phrase(status));
        out_.append("\r\n");
    }
    out_.append(server_and_date_lines());
    if (status_has_body(status)) {
        if (how == framing::length) {
            static constexpr std::string_view name = "Content-Length: ";
            char line[name.size() + 24];
            std::memcpy(line, name.data(), name.size());
            char* end =
                std::to_chars(line + name.size(), line + sizeof line - 2, content_length).ptr;
            *end++ = '\r';
            *end++ = '\n';
            out_.append(line, end);
        } else if (how == framing::chunked) {
            out_.append("Transfer-Encoding: chunked\r\n");
        }
    }
    out_.append(response_.headers_);
    if (close_after_) {
        out_.append("Connection: close\r\n");
    } else if (request_.version_minor_ == 0) {
        out_.append("Connection: keep-alive\r\n");
    }
    out_.append("\r\n");
}

bool connection::append_response() {
    bool file = response_.file_fd_ >= 0;
    append_head(framing::length, file ? response_.file_size_ : body_.size());
    if (file || response_.head_only_ || !status_has_body(response_.status_)) return false;
    if (body_.size() > copy_limit) return true;
    out_.append(body_);
    return false;
}

void connection::append_error(int status, std::string_view message) {
    close_after_ = unread_input_ = true;
    response_.reset(&body_);
    response_.head_only_ = parser_.is_head();
    response_.set_status(status);
    response_.set_body(std::string(message) + "\n");
    (void)append_response();  // an error's body is a line: always copied
}

connection::writing::writing(connection& c) noexcept
    : entry(c.entry_), timeout(c.server_.config.send_timeout) {}

void connection::writing::progress() noexcept {
    entry.write_deadline.store(coarse_now_ns() + nanoseconds(timeout), std::memory_order_relaxed);
}

connection::writing::~writing() {
    entry.write_deadline.store(connection_entry::no_deadline, std::memory_order_relaxed);
}

runtime::task<void> connection::flush() {
    // stream_.write in a loop rather than write_all: one coroutine frame less per response.
    std::size_t written = 0;
    writing guard(*this);
    try {
        while (written < out_.size()) {
            guard.progress();
            written += co_await stream_.write(
                std::as_bytes(std::span(out_.data() + written, out_.size() - written)));
        }
    } catch (...) {
        // A write cancelled part way (a handler timeout during a streamed
        // response) is followed by the final flush: what went must not go
        // again.
        out_.erase(0, written);
        throw;
    }
    out_.clear();
}

runtime::task<void> connection::flush(std::string_view body) {
    const std::size_t total = out_.size() + body.size();
    std::size_t done = 0;
    writing guard(*this);
    while (done < total) {
        guard.progress();
        iovec parts[2];
        std::size_t count = 0;
        if (done < out_.size()) parts[count++] = {out_.data() + done, out_.size() - done};
        std::size_t in_body = done > out_.size() ? done - out_.size() : 0;
        if (in_body < body.size()) {
            parts[count++] = {const_cast<char*>(body.data()) + in_body, body.size() - in_body};
        }
        try {
            done += co_await stream_.writev(std::span<const iovec>(parts, count));
        } catch (...) {
            out_.erase(0, std::min(done, out_.size()));  // as in flush()
            throw;
        }
    }
    out_.clear();
}

runtime::task<void> connection::send_file() {
    off_t offset = 0;
    auto size = static_cast<off_t>(response_.file_size_);
    writing guard(*this);
    while (offset < size) {
        guard.progress();
        ssize_t n = ::sendfile(stream_.native_handle(), response_.file_fd_, &offset,
                               static_cast<std::size_t>(size - offset));
        if (n > 0) continue;
        if (n == 0) {  // the file shrank: the promised length cannot be kept
            close_after_ = true;
            co_return;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN) throw std::system_error(errno, std::generic_category(), "sendfile");
        // The socket is full: send the next piece through the stream, which
        // waits for room (the runtime offers no bare wait for writability).
        char piece[16384];
        ssize_t got = ::pread(response_.file_fd_, piece, sizeof piece, offset);
        if (got <= 0) {
            close_after_ = true;
            co_return;
        }
        co_await stream_.write_all(std::as_bytes(std::span(piece, static_cast<std::size_t>(got))));
        offset += got;
    }
}

runtime::task<void> connection::write_chunk(response& r, std::string_view data) {
    if (!r.streaming_) {
        r.streaming_ = true;
        stream_chunked_ = request_.version_minor_ >= 1;
        if (!stream_chunked_) close_after_ = true;  // HTTP/1.0: the end of the body is the close
        append_head(stream_chunked_ ? framing::chunked : framing::until_close, 0);
    }
    if (!data.empty() && !r.head_only_ && status_has_body(r.status_)) {
        if (stream_chunked_) {
            char size[20];
            auto [end, ec] = std::to_chars(size, size + sizeof size, data.size(), 16);
            out_.append(size, end).append("\r\n").append(data).append("\r\n");
        } else {
            out_.append(data);
        }
    }
    co_await flush();
}

runtime::task<void> connection::lingering_close() {
    try {
        stream_.shutdown_write();
        char sink[4096];
        std::size_t budget = 256 * 1024;
        for (;;) {
            std::size_t n = co_await runtime::with_timeout(
                std::chrono::milliseconds(500),
                stream_.read(std::as_writable_bytes(std::span(sink))));
            if (n == 0 || n >= budget) break;
            budget -= n;
        }
    } catch (const runtime::cancelled_error& e) {
        if (dynamic_cast<const runtime::timeout_error*>(&e) == nullptr) throw;
    } catch (const std::exception&) {
    }
}

}  // namespace rivet::http::detail
