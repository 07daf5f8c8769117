// Graceful drain: requests in flight finish, idle connections close, new
// connections are refused; a handler that ignores the drain is cancelled
// after drain_timeout.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "http_harness.hpp"
#include "http_routes.hpp"

namespace rivet::http::testing {
namespace {

using namespace std::chrono_literals;

TEST(http_shutdown, requests_in_flight_finish_and_idle_connections_close) {
    test_server s(test_routes());
    raw_client idle(s.port());
    idle.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
    idle.read_until("Hello, World!");

    std::vector<std::unique_ptr<raw_client>> busy;
    for (int i = 0; i < 8; ++i) {
        busy.push_back(std::make_unique<raw_client>(s.port()));
        busy.back()->send("GET /slow?ms=400 HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    std::this_thread::sleep_for(150ms);  // the handlers are sleeping now
    auto start = std::chrono::steady_clock::now();
    std::thread stopper([&] { s.stop(); });

    bool closed = false;
    EXPECT_EQ(idle.read_all(&closed), "");
    EXPECT_TRUE(closed);
    for (auto& c : busy) {
        std::string out = c->read_all(&closed);
        EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK")) << out;
        EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
        EXPECT_NE(out.find("slept"), std::string::npos) << out;
        EXPECT_TRUE(closed);
    }
    stopper.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_EQ(s.server().connections(), 0u);
    EXPECT_THROW(raw_client late(s.port()), std::runtime_error);
}

TEST(http_shutdown, handler_that_outlives_the_drain_timeout_is_cancelled) {
    server_config config = test_server::quiet();
    config.drain_timeout = 200ms;
    config.handler_timeout = 0ms;
    test_server s(test_routes(), config);
    raw_client c(s.port());
    c.send("GET /slow?ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(100ms);
    auto start = std::chrono::steady_clock::now();
    s.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    bool closed = false;
    c.read_all(&closed);
    EXPECT_TRUE(closed);
}

TEST(http_shutdown, a_hard_stop_returns_only_once_every_task_of_the_server_has_ended) {
    // A handler that takes a while to unwind when cancelled.
    router routes = test_routes();
    routes.get("/slow-to-unwind", [](request&, response&) -> runtime::task<void> {
        struct slow_unwind {
            ~slow_unwind() { std::this_thread::sleep_for(300ms); }
        } unwinding;
        co_await runtime::sleep_for(1h);
    });
    runtime::runtime rt({.workers = 2});
    server_config config = test_server::quiet();
    config.address = runtime::socket_address::from_ip("127.0.0.1", 0);
    auto srv = std::make_unique<http::server>(std::move(routes), config);
    srv->listen();
    runtime::join_handle<void> run = rt.spawn([s = srv.get()] { return s->run(); });
    raw_client c(srv->local_address().port());
    c.send("GET /slow-to-unwind HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(100ms);
    run.cancel();
    EXPECT_THROW(run.join_blocking(), runtime::cancelled_error);
    // What the server's tasks use dies with it (ASan sees a use after this).
    srv.reset();
    std::this_thread::sleep_for(500ms);
}

TEST(http_shutdown, a_hard_stop_while_connections_arrive_waits_for_the_accept_loops) {
    // An accept loop between accept() and spawning the connection into
    // run()'s group must not find run()'s frame gone (ASan sees it if so).
    for (int round = 0; round < 20; ++round) {
        runtime::runtime rt({.workers = 2});
        server_config config = test_server::quiet();
        config.address = runtime::socket_address::from_ip("127.0.0.1", 0);
        config.listeners = 2;
        http::server srv(test_routes(), config);
        srv.listen();
        runtime::join_handle<void> run = rt.spawn([s = &srv] { return s->run(); });
        std::atomic<bool> stop{false};
        std::vector<std::thread> clients;
        for (int i = 0; i < 2; ++i) {
            clients.emplace_back([&stop, port = srv.local_address().port()] {
                while (!stop.load()) {
                    try {
                        raw_client c(port);
                    } catch (const std::runtime_error&) {  // refused once the listeners close
                    }
                }
            });
        }
        std::this_thread::sleep_for(5ms);
        run.cancel();
        EXPECT_THROW(run.join_blocking(), runtime::cancelled_error);
        stop = true;
        for (std::thread& t : clients) t.join();
    }
}

}  // namespace
}  // namespace rivet::http::testing
