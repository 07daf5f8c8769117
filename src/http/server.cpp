#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <rivet/http/error.hpp>
#include <rivet/http/request.hpp>
#include <rivet/http/response.hpp>
#include <rivet/http/server.hpp>
#include <rivet/runtime/config.hpp>
#include <rivet/runtime/spawn.hpp>
#include <rivet/runtime/task_group.hpp>
#include <rivet/runtime/time.hpp>

#include "connection.hpp"
#include "server_state.hpp"

namespace rivet::http {

namespace detail {

void server_state::report(std::string_view what) const {
    if (config.report) {
        config.report(what);
    } else {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(what.size()), what.data());
    }
}

std::int64_t coarse_now_ns() noexcept {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

runtime::task<void> expire_connections(server_state* s) {
    // An eighth of the shortest read or write timeout, within 1 ms and 1 s:
    // a wait ends at most that (plus the coarse clock's few ms) past its
    // deadline, and with the default timeouts (10 s at the shortest) the
    // sweep wakes its worker once a second.
    auto shortest = std::min({s->config.idle_timeout, s->config.header_timeout,
                              s->config.body_timeout, s->config.send_timeout});
    auto period = std::clamp<std::chrono::milliseconds>(shortest / 8, std::chrono::milliseconds(1),
                                                        std::chrono::seconds(1));
    for (;;) {
        co_await runtime::sleep_for(period);
        std::int64_t now = coarse_now_ns();
        std::lock_guard lock(s->registry_lock);
        s->registry.for_each([now](connection_entry& e) {
            if (e.write_deadline.load(std::memory_order_relaxed) <= now) {
                // A client that reads nothing: the write fails, the connection ends.
                ::shutdown(e.fd, SHUT_RDWR);
                return;
            }
            if (e.read_deadline.load(std::memory_order_relaxed) > now) return;
            if (e.timed_out.exchange(true)) return;
            ::shutdown(e.fd, SHUT_RD);
        });
    }
}

namespace {

// One connection's task; the acceptor counted it in `open` and `live`.
runtime::task<void> serve_connection(server_state* s, runtime::tcp_stream stream) {
    struct counted {
        server_state* s;
        ~counted() {
            s->open.fetch_sub(1);
            s->live.done();
        }
    } guard{s};
    // Set-up fails only when its buffer cannot be allocated: that connection
    // closes and the others go on (escaping, the failure would fail the
    // group, which cancels every connection, and run() would rethrow it).
    std::optional<connection> c;
    try {
        c.emplace(*s, std::move(stream));
    } catch (const std::bad_alloc&) {
        s->report("http: out of memory for a new connection: closed");
    }
    if (c) co_await c->run();
}

runtime::task<void> accept_loop(server_state* s, runtime::tcp_listener* listener,
                                runtime::task_group* connections) {
    for (;;) {
        runtime::tcp_stream stream;
        bool failed = false;
        try {
            stream = co_await listener->accept();
        } catch (const std::system_error& e) {
            // EMFILE and friends: the connection stays queued; back off and retry.
            s->report(std::string("http: accept: ") + e.what());
            failed = true;
        }
        if (failed) {
            co_await runtime::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        if (s->open.load() >= s->config.max_connections) {
            // Over the limit: answer without waiting for the request and close.
            static constexpr char busy[] =
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: "
                "close\r\n\r\n";
            (void)::send(stream.native_handle(), busy, sizeof busy - 1,
                         MSG_DONTWAIT | MSG_NOSIGNAL);
            continue;
        }
        s->open.fetch_add(1);
        s->live.add(1);
        connections->spawn(serve_connection, s, std::move(stream));
    }
}

// Waits for every task of `group`; returns its first failure (a
// cancellation is none: that is how a stop ends them).
runtime::task<std::exception_ptr> join(runtime::task_group& group) {
    std::exception_ptr failure;
    try {
        co_await group.wait();
    } catch (const runtime::cancelled_error&) {
    } catch (...) {
        failure = std::current_exception();
    }
    co_return failure;
}

// The graceful stop, once the listeners are closed: idle connections are
// told to close (their read ends), busy ones close after their response
// (they check `stopping`), see server_state.hpp. False when connections are
// left after drain_timeout.
runtime::task<bool> drain(server_state& s) {
    {
        std::lock_guard lock(s.registry_lock);
        s.registry.for_each([](connection_entry& e) {
            if (!e.busy.load()) ::shutdown(e.fd, SHUT_RD);
        });
    }
    bool drained = true;
    try {
        co_await runtime::with_timeout(s.config.drain_timeout, s.live.wait());
    } catch (const runtime::timeout_error&) {
        drained = false;
    }
    co_return drained;
}

}  // namespace
}  // namespace detail

server::server(router routes, server_config config) : state_(new detail::server_state) {
    state_->routes = std::move(routes);
    state_->config = std::move(config);
    state_->not_found = [](request&, response& res) -> runtime::task<void> {
        res.set_status(404);
        res.set_body("not found\n");
        co_return;
    };
    state_->options = [](request&, response& res) -> runtime::task<void> {
        res.set_status(204);
        co_return;
    };
    state_->method_not_allowed = [](request&, response& res) -> runtime::task<void> {
        res.set_status(405);
        res.set_body("method not allowed\n");
        co_return;
    };
}

server::~server() = default;

void server::use(middleware m) { state_->chain.push_back(std::move(m)); }

void server::listen() {
    detail::server_state& s = *state_;
    if (!s.listeners.empty()) return;
    unsigned n = s.config.listeners != 0 ? s.config.listeners : runtime::default_worker_count();
    runtime::listen_options options{.reuse_port = true};
    s.listeners.push_back(runtime::tcp_listener::bind(s.config.address, options));
    s.local = s.listeners.front().local_address();
    for (unsigned i = 1; i < n; ++i) {
        s.listeners.push_back(runtime::tcp_listener::bind(s.local, options));
    }
}

runtime::socket_address server::local_address() const { return state_->local; }

std::size_t server::connections() const noexcept { return state_->open.load(); }

void server::stop() noexcept {
    state_->stopping.store(true);
    state_->stop_requested.set();
}

runtime::task<void> server::run() {
    listen();
    detail::server_state& s = *state_;
    // Every task started here is waited for, also when run() is cancelled
    // (the hard stop): an accept loop between accept() and spawning into
    // `connections` (in this frame) must not outlive it, and no task may
    // outlive run()'s return, after which the server (their state) may go.
    runtime::task_group connections;
    runtime::task_group sweep;
    runtime::task_group acceptors;
    sweep.spawn(detail::expire_connections, &s);
    for (runtime::tcp_listener& l : s.listeners) {
        acceptors.spawn(detail::accept_loop, &s, &l, &connections);
    }
    bool hard_stop = false;
    try {
        co_await s.stop_requested.wait();
    } catch (const runtime::cancelled_error&) {
        hard_stop = true;
    }
    acceptors.cancel();
    std::exception_ptr failure = co_await detail::join(acceptors);
    for (runtime::tcp_listener& l : s.listeners) l.close();
    bool drained = false;
    if (!hard_stop) {
        try {
            drained = co_await detail::drain(s);
        } catch (const runtime::cancelled_error&) {
            hard_stop = true;
        }
        if (!drained && !hard_stop) {
            s.report("http: drain timeout: cancelling the connections left");
        }
    }
    if (!drained) connections.cancel();
    std::exception_ptr later = co_await detail::join(connections);
    if (failure == nullptr) failure = later;
    sweep.cancel();
    later = co_await detail::join(sweep);
    if (failure == nullptr) failure = later;
    if (failure != nullptr) std::rethrow_exception(failure);
    if (hard_stop) throw runtime::cancelled_error();
}

}  // namespace rivet::http
