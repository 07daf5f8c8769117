#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <numeric>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/tcp.hpp>
#include <rivet/runtime/time.hpp>
#include <string>
#include <system_error>
#include <vector>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span(s)); }

rt::task<std::string> read_to_end(rt::tcp_stream& s) {
    std::string out;
    std::byte buf[4096];
    for (;;) {
        std::size_t n = co_await s.read(buf);
        if (n == 0) co_return out;
        out.append(reinterpret_cast<const char*>(buf), n);
    }
}

rt::task<void> echo_one(rt::tcp_stream s) {
    std::byte buf[16384];
    for (;;) {
        std::size_t n = co_await s.read(buf);
        if (n == 0) co_return;
        co_await s.write_all(std::span(buf, n));
    }
}

rt::tcp_listener loopback_listener(rt::listen_options o = {}) {
    return rt::tcp_listener::bind(rt::socket_address::parse("127.0.0.1:0"), o);
}

TEST(socket_address, parses_and_prints_ipv4_and_ipv6) {
    EXPECT_EQ(rt::socket_address::parse("127.0.0.1:7000").to_string(), "127.0.0.1:7000");
    EXPECT_EQ(rt::socket_address::parse("[::1]:80").to_string(), "[::1]:80");
    EXPECT_EQ(rt::socket_address::parse("[::1]:80").port(), 80);
    EXPECT_THROW(rt::socket_address::parse("localhost:80"), std::invalid_argument);
    EXPECT_THROW(rt::socket_address::parse("127.0.0.1:99999"), std::invalid_argument);
    EXPECT_THROW(rt::socket_address::parse("127.0.0.1"), std::invalid_argument);
}

TEST(tcp, echo_round_trip_then_half_close_ends_the_stream) {
    auto run = []() -> rt::task<std::string> {
        auto listener = loopback_listener();
        auto address = listener.local_address();
        auto server = rt::spawn(
            [](rt::tcp_listener l) -> rt::task<void> { co_await echo_one(co_await l.accept()); },
            std::move(listener));
        auto client = co_await rt::tcp_stream::connect(address);
        co_await client.write_all(bytes("hello, "));
        co_await client.write_all(bytes("world"));
        client.shutdown_write();  // the server sees EOF, finishes, closes
        std::string echoed = co_await read_to_end(client);
        co_await server;
        co_return echoed;
    };
    EXPECT_EQ(rt::block_on(run()), "hello, world");
}

TEST(tcp, connect_refused_names_the_address) {
    auto run = []() -> rt::task<std::string> {
        // Bind then close: a port nothing listens on.
        auto address = loopback_listener().local_address();
        try {
            co_await rt::tcp_stream::connect(address);
        } catch (const std::system_error& e) {
            co_return std::string(e.what()) + "|" + std::to_string(e.code().value()) + "|" +
                address.to_string();
        }
        co_return "connected?";
    };
    std::string r = rt::block_on(run());
    auto parts_end = r.rfind('|');
    std::string address = r.substr(parts_end + 1);
    EXPECT_NE(r.find("connect to " + address), std::string::npos) << r;
    EXPECT_NE(r.find("|" + std::to_string(ECONNREFUSED) + "|"), std::string::npos) << r;
}

TEST(tcp, reads_after_a_short_read_wait_for_and_get_the_next_data) {
    // A short read marks the socket drained; each later piece must still
    // arrive, whether it comes before or after the reader waits again.
    auto run = []() -> rt::task<std::string> {
        auto listener = loopback_listener();
        auto address = listener.local_address();
        auto server = rt::spawn(
            [](rt::tcp_listener l) -> rt::task<void> {
                auto s = co_await l.accept();
                co_await s.write_all(bytes("a"));
                co_await rt::sleep_for(20ms);
                co_await s.write_all(bytes("b"));
                co_await s.write_all(bytes("c"));
                co_await rt::sleep_for(20ms);
                s.shutdown_write();
            },
            std::move(listener));
        auto client = co_await rt::tcp_stream::connect(address);
        std::byte buf[64];
        std::string result;
        std::size_t first = co_await client.read(buf);
        result.append(reinterpret_cast<const char*>(buf), first);
        co_await rt::sleep_for(10ms);
        result += co_await read_to_end(client);
        co_await server;
        co_return result;
    };
    EXPECT_EQ(rt::block_on(run()), "abc");
}

TEST(tcp, a_short_read_of_data_sent_with_the_fin_is_followed_by_end_of_stream) {
    auto run = []() -> rt::task<std::string> {
        auto listener = loopback_listener();
        auto address = listener.local_address();
        auto server = rt::spawn(
            [](rt::tcp_listener l) -> rt::task<void> {
                auto s = co_await l.accept();
                co_await s.write_all(bytes("last"));
                s.shutdown_write();  // data and FIN arrive together
                co_await rt::sleep_for(50ms);
            },
            std::move(listener));
        auto client = co_await rt::tcp_stream::connect(address);
        co_await rt::sleep_for(20ms);  // both are queued before the first read
        std::string result = co_await rt::with_timeout(2s, read_to_end(client));
        co_await server;
        co_return result;
    };
    EXPECT_EQ(rt::block_on(run()), "last");
}

TEST(tcp, a_read_with_a_timeout_throws_timeout_error_and_the_stream_stays_usable) {
    auto run = []() -> rt::task<std::string> {
        auto listener = loopback_listener();
        auto address = listener.local_address();
        auto server = rt::spawn(
            [](rt::tcp_listener l) -> rt::task<void> {
                auto s = co_await l.accept();
                co_await rt::sleep_for(50ms);  // silent first, then answers
                co_await s.write_all(bytes("late"));
                s.shutdown_write();
                co_await read_to_end(s);
            },
            std::move(listener));
        auto client = co_await rt::tcp_stream::connect(address);
        std::byte buf[16];
        std::string result;
        try {
            co_await rt::with_timeout(10ms, client.read(buf));
            result = "no timeout";
        } catch (const rt::timeout_error&) {
            result = "timeout";
        }
        result += "+" + co_await read_to_end(client);
        client.shutdown_write();
        co_await server;
        co_return result;
    };
    EXPECT_EQ(rt::block_on(run()), "timeout+late");
}

TEST(tcp, cancelling_a_task_blocked_in_read_or_accept_ends_it) {
    auto run = []() -> rt::task<int> {
        auto listener = loopback_listener();
        auto address = listener.local_address();
        auto acceptor = rt::spawn(
            [](rt::tcp_listener l) -> rt::task<void> {
                auto s = co_await l.accept();
                std::byte buf[16];
                co_await s.read(buf);  // the client never writes
            },
            std::move(listener));
        auto client = co_await rt::tcp_stream::connect(address);
        co_await rt::sleep_for(10ms);
        acceptor.cancel();
        int outcome = 0;
        try {
            co_await acceptor;
        } catch (const rt::cancelled_error&) {
            outcome = 1;
        }
        // The server's socket was closed as its task unwound: we read EOF.
        std::byte buf[16];
        if (co_await client.read(buf) == 0) outcome += 10;

        auto idle_listener = loopback_listener();
        auto idle = rt::spawn([](rt::tcp_listener l) -> rt::task<void> { co_await l.accept(); },
                              std::move(idle_listener));
        co_await rt::sleep_for(5ms);
        idle.cancel();
        try {
            co_await idle;
        } catch (const rt::cancelled_error&) {
            outcome += 100;
        }
        co_return outcome;
    };
    EXPECT_EQ(rt::block_on(run()), 111);
}

TEST(tcp, reuse_port_lets_two_listeners_share_a_port) {
    auto first = loopback_listener({.reuse_port = true});
    auto address = first.local_address();
    auto second = rt::tcp_listener::bind(address, {.reuse_port = true});
    EXPECT_EQ(second.local_address().port(), address.port());
    EXPECT_THROW(rt::tcp_listener::bind(address), std::system_error);  // without the option
}

TEST(tcp, megabytes_cross_intact_with_write_all_and_writev) {
    auto run = []() -> rt::task<bool> {
        auto listener = loopback_listener();
        auto address = listener.local_address();
        auto server = rt::spawn(
            [](rt::tcp_listener l) -> rt::task<void> { co_await echo_one(co_await l.accept()); },
            std::move(listener));
        auto client = co_await rt::tcp_stream::connect(address);

        std::string payload(4 << 20, '\0');
        for (std::size_t i = 0; i < payload.size(); ++i)
            payload[i] = static_cast<char>(i * 7 + i / 251);
        // Write concurrently with reading: an echo of 4 MiB would otherwise
        // fill both socket buffers and stall.
        auto writer = rt::spawn(
            [](rt::tcp_stream* c, const std::string* p) -> rt::task<void> {
                std::string head = p->substr(0, 100), tail = p->substr(100, 200);
                iovec parts[2] = {{head.data(), head.size()}, {tail.data(), tail.size()}};
                std::size_t sent = co_await c->writev(parts);
                // writev may take less than all; finish with write_all.
                std::string rest = (head + tail).substr(sent) + p->substr(300);
                co_await c->write_all(std::as_bytes(std::span(rest)));
                c->shutdown_write();
            },
            &client, &payload);
        std::string echoed = co_await read_to_end(client);
        co_await writer;
        co_await server;
        co_return echoed == payload;
    };
    EXPECT_TRUE(rt::block_on(run()));
}

TEST(tcp, closing_a_stream_wakes_its_reader_with_an_error) {
    auto run = []() -> rt::task<bool> {
        auto listener = loopback_listener();
        auto address = listener.local_address();
        auto client = co_await rt::tcp_stream::connect(address);
        auto server_side = co_await listener.accept();
        auto reader = rt::spawn(
            [](rt::tcp_stream* s) -> rt::task<bool> {
                std::byte buf[8];
                try {
                    co_await s->read(buf);
                } catch (const std::system_error&) {
                    co_return true;
                }
                co_return false;
            },
            &server_side);
        co_await rt::sleep_for(10ms);
        server_side.close();
        co_return co_await reader;
    };
    EXPECT_TRUE(rt::block_on(run()));
}

TEST(tcp, a_reader_whose_socket_is_always_ready_still_lets_others_run) {
    // 64 KiB arrive at once; reading them a byte at a time never has to
    // suspend. The per-run budget makes the reader yield anyway, so a second
    // task on the same worker keeps running meanwhile.
    auto run = []() -> rt::task<bool> {
        auto listener = loopback_listener();
        auto client = co_await rt::tcp_stream::connect(listener.local_address());
        auto server_side = co_await listener.accept();
        std::string payload(64 * 1024, 'z');
        co_await client.write_all(bytes(payload));
        co_await rt::sleep_for(5ms);  // let it all arrive

        auto ticks = std::make_shared<std::atomic<long>>(0);
        auto ticker = rt::spawn(
            [](std::shared_ptr<std::atomic<long>> t) -> rt::task<void> {
                for (;;) {
                    t->fetch_add(1);
                    co_await rt::this_task::yield();
                }
            },
            ticks);
        long ticks_at_start = ticks->load();
        std::byte one[1];
        for (std::size_t i = 0; i < payload.size(); ++i) co_await server_side.read(one);
        co_return ticks->load() - ticks_at_start > 100;
    };
    EXPECT_TRUE(rt::block_on(run(), {.workers = 1}));
}

}  // namespace
