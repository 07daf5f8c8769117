// What a server's connections share: the routes, the middleware, the
// configuration, and the registry the drain walks.
#pragma once

#include <atomic>
#include <mutex>
#include <rivet/base/intrusive_list.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/http/server.hpp>
#include <rivet/runtime/event.hpp>
#include <rivet/runtime/wait_group.hpp>
#include <vector>

namespace rivet::http::detail {

/// A connection as the drain sees it. `busy` is true from the first byte of
/// a request to the end of its response; the drain closes the read side of
/// connections that are not busy (their task sees end of stream), and busy
/// ones close themselves after the response once they see `stopping`. Both
/// sides write their flag before reading the other's (seq_cst), so at least
/// one of them acts.
struct connection_entry : base::list_hook {
    int fd = -1;
    std::atomic<bool> busy{false};
};

struct server_state {
    router routes;
    server_config config;
    std::vector<http::middleware> chain;  // server-wide middleware, in order
    handler not_found;
    handler method_not_allowed;

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

}  // namespace rivet::http::detail
