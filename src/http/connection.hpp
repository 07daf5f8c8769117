// One HTTP connection: the loop that reads requests, runs the chain and
// writes responses (see server.hpp for the behaviour it guarantees).
//
// Buffer protocol. `buffer_` holds the bytes read from the socket:
//     [0, start_)        consumed (earlier requests)
//     [start_, end_)     the current request, then maybe pipelined ones
// While a head is incomplete, the request's bytes may be moved to the front
// (the parser keeps offsets). Once the head is complete its views (target,
// headers) point into the buffer, so nothing before the head's end moves
// until the response is written; body bytes after the head are parsed in
// place and, once handed to the reader, their room is reused for the next
// read. `buffer_` is sized max_head + 16 KiB, so a head always fits.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <rivet/http/request.hpp>
#include <rivet/http/response.hpp>
#include <rivet/runtime/tcp.hpp>
#include <rivet/runtime/time.hpp>
#include <span>
#include <string>
#include <vector>

#include "request_parser.hpp"
#include "server_state.hpp"

namespace simdjson::dom {
class parser;
}

namespace rivet::http::detail {

/// Deletes a JSON parser (defined where simdjson is included: request_json.cpp).
void destroy_json_parser(simdjson::dom::parser* p) noexcept;

class connection final : public body_source, public response_sink {
public:
    connection(server_state& server, runtime::tcp_stream stream);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Serves requests until the connection closes; never throws but cancelled_error.
    runtime::task<void> run();

    runtime::task<std::size_t> read_body(std::span<char> out) override;
    simdjson::dom::element parse_json(std::string_view text) override;
    runtime::task<void> write_chunk(response& r, std::string_view data) override;

private:
    enum class head_result { complete, closed, failed };

    runtime::task<head_result> read_head();
    /// Fills request_ from the parsed head; false (a 400 queued) for a bad target.
    bool build_request();
    runtime::task<void> dispatch();
    /// Runs the chain under the handler deadline, whose clock read_body
    /// stops while it waits for the client.
    runtime::task<void> run_chain(const chain& c);
    /// Runs the chain's handler, turning its exceptions into error responses.
    static runtime::task<void> guarded(const chain& c);
    /// Replaces the response with an error (keeping headers middleware set);
    /// a streamed response cannot be replaced: the connection closes instead.
    void fail_response(int status, std::string_view message);
    void report_failure(std::string_view what);
    /// Parses body bytes already buffered; false when more must be read.
    bool parse_buffered_body();
    /// Reads into the buffer's free room; 0 at the end of the stream, which
    /// the sweep causes when `deadline` (coarse_now_ns() time) passes (then
    /// entry_.timed_out is set).
    runtime::task<std::size_t> read_more(std::int64_t deadline);
    /// Reads and drops what is left of the body; false when the connection must close.
    runtime::task<bool> discard_body();
    enum class framing { length, chunked, until_close };
    void append_head(framing how, std::uint64_t content_length);
    /// Appends the response's head to out_, and its body unless that is
    /// larger than copy_limit: true when the body is left for flush(body_).
    [[nodiscard]] bool append_response();
    void append_error(int status, std::string_view message);
    runtime::task<void> flush();
    /// Writes out_, then `body` (not copied into out_), with writev.
    runtime::task<void> flush(std::string_view body);
    /// Pipelined responses are batched in out_ up to this size; a body
    /// larger than this is not copied there but written from where it is.
    static constexpr std::size_t copy_limit = 64 * 1024;
    /// A request's body is read into the buffer after its head: a pipelined
    /// head leaving less room than this moves to the buffer's front first.
    static constexpr std::size_t min_body_room = 4096;
    /// Half-closes and reads what the client still sends (briefly), so that
    /// closing with unread input does not reset the connection and destroy
    /// the response before the client has read it.
    runtime::task<void> lingering_close();
    runtime::task<void> send_file();
    /// Arms the connection's write deadline while a write waits (the sweep
    /// closes a connection whose client reads nothing for send_timeout);
    /// progress() re-arms it before each write.
    struct writing {
        connection_entry& entry;
        std::chrono::milliseconds timeout;
        explicit writing(connection& c) noexcept;
        writing(const writing&) = delete;
        writing& operator=(const writing&) = delete;
        ~writing();
        void progress() noexcept;
    };
    void set_busy(bool busy) noexcept;

    server_state& server_;
    runtime::tcp_stream stream_;
    connection_entry entry_;

    std::unique_ptr<char[]> buffer_;
    std::size_t capacity_;
    std::size_t start_ = 0, end_ = 0, parsed_ = 0;
    std::size_t head_end_ = 0;        // end of the current request's head
    std::int64_t head_deadline_ = 0;  // for the head being read, from its first byte; 0: unset
    std::size_t body_at_ = 0;         // next body byte not yet given to the parser
    std::size_t message_end_ = 0;     // end of the current request, once body_done_
    bool body_done_ = false;
    std::vector<std::span<const char>> pieces_;  // parsed body data not yet read
    std::size_t piece_ = 0, piece_offset_ = 0;
    bool continue_sent_ = false;
    runtime::detail::timeout_scope* handler_deadline_ = nullptr;  // while run_chain runs
    bool close_after_ = false;     // the connection closes after this response
    bool unread_input_ = false;    // closing may leave client bytes unread
    bool stream_chunked_ = false;  // the streamed response uses chunked coding

    request_parser parser_;
    request request_;
    response response_;
    std::string decoded_path_;
    std::string out_;   // responses waiting to be written
    std::string body_;  // the response body buffer, lent to response_
    std::unique_ptr<simdjson::dom::parser, void (*)(simdjson::dom::parser*)> json_;
};

}  // namespace rivet::http::detail
