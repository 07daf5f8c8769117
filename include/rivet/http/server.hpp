// server: HTTP/1.1 on the runtime.
//
//     http::router routes;
//     routes.get("/plaintext", plaintext);
//     http::server srv(std::move(routes), {.address = rt::socket_address::parse("0.0.0.0:8080")});
//     srv.use(http::request_id());
//     co_await srv.run();               // until srv.stop() (from any thread)
//
// Each listener is its own SO_REUSEPORT socket (one per worker by default),
// so the kernel spreads connections over them. A connection is one task:
// it reads a request head, runs the middleware chain and the route's
// handler, writes the response (head and body in one call, TCP_NODELAY),
// and loops while the connection is kept alive. Pipelined requests are read
// from the same buffer and their responses written together.
//
// Guarantees:
//  - limits answer with the right status and close: target too long 414,
//    head too large or too many fields 431, body too large 413, malformed or
//    ambiguous framing (request smuggling) 400; a head not complete within
//    header_timeout, or a body stalled for body_timeout, gets 408; a
//    connection idle longer than idle_timeout is closed, and one whose
//    client reads nothing of a response for send_timeout too; a handler past
//    handler_timeout gets 503 (the server's fault, not the client's) and
//    the connection closes (the time a body read waits for the client's
//    bytes does not count: body_timeout bounds it); beyond max_connections,
//    new connections get 503 and are closed at once.
//  - a handler's exception becomes a 500 (an http_error: its own status),
//    reported through config.report; the connection stays usable.
//  - stop() drains: listeners close, idle connections close, requests in
//    flight finish and their connections close after the response; after
//    drain_timeout the rest are cancelled. run() returns when all are gone.
//    Cancelling run()'s task (runtime shutdown) is the hard stop: every
//    connection is cancelled at its next suspension, and run() throws
//    cancelled_error once all of them (and the accept loops) have ended.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <rivet/http/error.hpp>
#include <rivet/http/handler.hpp>
#include <rivet/http/request.hpp>
#include <rivet/http/response.hpp>
#include <rivet/http/router.hpp>
#include <rivet/runtime/task.hpp>
#include <rivet/runtime/tcp.hpp>
#include <string_view>
#include <vector>

namespace rivet::http {

namespace detail {
struct server_state;
}

struct server_config {
    runtime::socket_address address = runtime::socket_address::from_ip("127.0.0.1", 8080);
    /// SO_REUSEPORT listeners; 0: one per worker of the default worker count.
    unsigned listeners = 0;
    std::size_t max_connections = 10000;

    std::size_t max_target = 8 * 1024;     ///< request target bytes (414)
    std::size_t max_head = 16 * 1024;      ///< request line + header bytes (431)
    std::size_t max_headers = 100;         ///< header fields (431)
    std::uint64_t max_body = 1024 * 1024;  ///< body bytes (413)
    /// A body the handler did not read is discarded up to this size so the
    /// connection can be kept; beyond it the connection closes.
    std::uint64_t max_discard = 256 * 1024;

    std::chrono::milliseconds header_timeout{10'000};  ///< first byte to end of head (408)
    std::chrono::milliseconds body_timeout{30'000};    ///< between body reads (408)
    std::chrono::milliseconds idle_timeout{60'000};    ///< keep-alive between requests
    /// The chain's time, less its body reads' waits for the client; 0: none (503 then close).
    std::chrono::milliseconds handler_timeout{30'000};
    std::chrono::milliseconds send_timeout{30'000};   ///< a write making no progress (close)
    std::chrono::milliseconds drain_timeout{10'000};  ///< stop(): then cancel the rest

    /// Where handler errors and connection failures are reported; the
    /// default writes a line to stderr.
    std::function<void(std::string_view)> report;
};

class server {
public:
    /// A server for `routes`; nothing is bound until listen() or run().
    explicit server(router routes, server_config config = {});
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Adds middleware that runs for every request, before the route's own
    /// (and for 404 and 405 answers too), in the order added. Call before run().
    void use(middleware m);

    /// Binds the listeners now (run() does it otherwise); throws
    /// std::system_error naming the address.
    void listen();
    /// The bound address (the real port when the configured one was 0).
    [[nodiscard]] runtime::socket_address local_address() const;

    /// Serves until stop(), then drains (see the header comment). Call once.
    [[nodiscard]] runtime::task<void> run();

    /// Begins the graceful drain. Thread-safe, idempotent, returns at once.
    void stop() noexcept;

    /// Connections open now.
    [[nodiscard]] std::size_t connections() const noexcept;

private:
    std::unique_ptr<detail::server_state> state_;
};

}  // namespace rivet::http
