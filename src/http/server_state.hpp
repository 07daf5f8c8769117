// What a server's connections share: the routes, the middleware, the
// configuration, and the registry the drain walks.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <rivet/base/intrusive_list.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/http/server.hpp>
#include <rivet/runtime/event.hpp>
#include <rivet/runtime/task.hpp>
#include <rivet/runtime/wait_group.hpp>
#include <vector>

namespace rivet::http::detail {

/// Monotonic time in nanoseconds, to a few milliseconds (CLOCK_MONOTONIC_COARSE:
/// no TSC read, cheaper than steady_clock): the clock of read deadlines.
std::int64_t coarse_now_ns() noexcept;

/// A connection as the drain and the deadline sweep see it.
///
/// Drain: `busy` is true from the first byte of a request to the end of its
/// response; the drain closes the read side of connections that are not
/// busy (their task sees end of stream), and busy ones close themselves
/// after the response once they see `stopping`. Both sides write their flag
/// before reading the other's (seq_cst), so at least one of them acts.
///
/// Read deadlines (idle, head, body): rather than arm a timer for every read
/// (a heap insertion and removal under a lock, a cancellation scope and a
/// coroutine frame, per request), the connection stores the deadline of the
/// read it waits in, and one sweep per server (expire_connections) looks at
/// all of them a few times per timeout period. A read past its deadline is
/// ended as the drain ends one, by shutting down the read side; `timed_out`,
/// set first, tells the connection that its end of stream is a timeout.
struct connection_entry : base::list_hook {
    static constexpr std::int64_t no_deadline = INT64_MAX;

    int fd = -1;
    std::atomic<bool> busy{false};
    std::atomic<std::int64_t> read_deadline{no_deadline};   // coarse_now_ns() time
    std::atomic<std::int64_t> write_deadline{no_deadline};  // the same, for a write
    std::atomic<bool> timed_out{false};
};

struct server_state {
    router routes;
    server_config config;
    std::vector<http::middleware> chain;  // server-wide middleware, in order
    handler not_found;
    handler method_not_allowed;
    handler options;  // OPTIONS where no route has it: 204, the Allow header set by dispatch

    std::vector<runtime::tcp_listener> listeners;
    runtime::socket_address local;

    std::atomic<bool> stopping{false};
    runtime::event stop_requested;
    std::atomic<std::size_t> open{0};
    runtime::wait_group live;  // one count per connection task

    base::spinlock registry_lock;
    base::intrusive_list<connection_entry> registry;

    void report(std::string_view what) const;
};

/// Ends the reads of connections past their deadline (connection_entry), a
/// few times per shortest read timeout, until cancelled.
runtime::task<void> expire_connections(server_state* s);

}  // namespace rivet::http::detail
