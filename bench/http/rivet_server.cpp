// The rivet side of the HTTP benchmark: the three workloads, no middleware,
// one worker (the benchmark pins the process to one core).
//     http_bench_rivet <port>
#include <signal.h>

#include <cstdlib>
#include <rivet/http/json.hpp>
#include <rivet/http/server.hpp>
#include <rivet/runtime/runtime.hpp>
#include <thread>

namespace http = rivet::http;
namespace rt = rivet::runtime;

int main(int argc, char** argv) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    http::router routes;
    routes.get("/plaintext", [](http::request&, http::response& res) -> rt::task<void> {
        res.set_body("Hello, World!");
        co_return;
    });
    routes.get("/json", [](http::request&, http::response& res) -> rt::task<void> {
        res.json().begin_object().field("message", "Hello, World!").end_object();
        co_return;
    });
    routes.post("/echo", [](http::request& req, http::response& res) -> rt::task<void> {
        simdjson::dom::element doc = co_await req.json();
        http::write_json(res.json(), doc);
    });
    http::server_config config;
    config.address = rt::socket_address::from_ip(
        "127.0.0.1", static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 8080));
    config.listeners = 1;
    http::server server(std::move(routes), config);
    server.listen();
    std::thread stopper([&] {
        int signal = 0;
        sigwait(&signals, &signal);
        server.stop();
    });
    rt::runtime runtime({.workers = 1, .detect_stalls = false});
    runtime.block_on(server.run());
    stopper.join();
}
