// A TCP echo server under 1,000 concurrent loopback connections (200 under
// TSan): every byte comes back intact, and shutting the runtime down with
// connections still open is prompt.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/tcp.hpp>
#include <rivet/runtime/time.hpp>
#include <string>
#include <vector>

#include "stress_scale.hpp"

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

void raise_fd_limit(rlim_t wanted) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = std::min(wanted, limit.rlim_max);
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

rt::task<void> echo(rt::tcp_stream s) {
    std::byte buf[4096];
    for (;;) {
        std::size_t n = co_await s.read(buf);
        if (n == 0) co_return;
        co_await s.write_all(std::span(buf, n));
    }
}

rt::task<void> serve(rt::tcp_listener listener) {
    for (;;) rt::spawn(echo, co_await listener.accept()).detach();
}

// Sends `rounds` messages, each checked on its way back.
rt::task<bool> client(rt::socket_address address, int id, int rounds) {
    auto s = co_await rt::tcp_stream::connect(address, 10s);
    for (int r = 0; r < rounds; ++r) {
        std::string message = "client " + std::to_string(id) + " round " + std::to_string(r) +
                              std::string(static_cast<std::size_t>(id % 700), 'x') + "\n";
        co_await s.write_all(std::as_bytes(std::span(message)));
        std::string back;
        std::byte buf[1024];
        while (back.size() < message.size()) {
            std::size_t n = co_await s.read(buf);
            if (n == 0) co_return false;
            back.append(reinterpret_cast<const char*>(buf), n);
        }
        if (back != message) co_return false;
    }
    co_return true;
}

TEST(tcp_echo_stress, a_thousand_concurrent_connections_echo_intact) {
    const int connections = rivet::stress::scale_divisor == 1 ? 1000 : 200;
    raise_fd_limit(2 * connections + 64);
    auto main = [connections]() -> rt::task<int> {
        auto listener =
            rt::tcp_listener::bind(rt::socket_address::parse("127.0.0.1:0"), {.backlog = 4096});
        auto address = listener.local_address();
        auto server = rt::spawn(serve, std::move(listener));
        std::vector<rt::join_handle<bool>> clients;
        for (int i = 0; i < connections; ++i) clients.push_back(rt::spawn(client, address, i, 5));
        int ok = 0;
        for (auto& c : clients) ok += co_await c ? 1 : 0;
        co_return ok;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2, .detect_stalls = false}), connections);
}

TEST(tcp_echo_stress, shutdown_with_open_connections_is_prompt) {
    const int connections = 200;
    raise_fd_limit(2 * connections + 64);
    auto start = std::chrono::steady_clock::now();
    {
        rt::runtime runtime({.workers = 2, .detect_stalls = false});
        auto opened = std::make_shared<std::atomic<int>>(0);
        runtime.block_on([](int n, std::shared_ptr<std::atomic<int>> opened) -> rt::task<void> {
            auto listener = rt::tcp_listener::bind(rt::socket_address::parse("127.0.0.1:0"));
            auto address = listener.local_address();
            rt::spawn(serve, std::move(listener)).detach();
            for (int i = 0; i < n; ++i) {
                // Each client connects and then waits forever for a reply to nothing.
                rt::spawn(
                    [](rt::socket_address a,
                       std::shared_ptr<std::atomic<int>> o) -> rt::task<void> {
                        auto s = co_await rt::tcp_stream::connect(a);
                        o->fetch_add(1);
                        std::byte buf[16];
                        co_await s.read(buf);
                    },
                    address, opened)
                    .detach();
            }
            while (opened->load() < n) co_await rt::sleep_for(1ms);
        }(connections, opened));
        EXPECT_EQ(opened->load(), connections);
    }  // shutdown: every reader, echo task and the acceptor is cancelled
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

}  // namespace
