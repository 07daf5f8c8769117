// The example service: rivet's HTTP framework serving a small API.
//
//     service [address]        default 127.0.0.1:8080
//
//   GET  /plaintext            "Hello, World!"
//   GET  /json                 {"message":"Hello, World!"}
//   POST /echo                 the JSON body, parsed and written back (400 if not JSON)
//   GET  /users/:id            a user as JSON (404 unless id is a number)
//   GET  /search?q=..&limit=   the decoded query parameters as JSON
//   GET  /stream?n=5           n lines, streamed as chunks
//   GET  /files/*path          files under the current directory (sendfile)
//   GET  /api/v1/health        a route group with its own middleware (CORS)
//
// Every request passes through request_id, timing and the access log
// (lines on stderr). SIGINT or SIGTERM drains: listeners close, requests in
// flight finish, then the process exits 0.
#include <signal.h>

#include <cstdio>
#include <rivet/http/json.hpp>
#include <rivet/http/middleware.hpp>
#include <rivet/http/server.hpp>
#include <rivet/log/logger.hpp>
#include <rivet/log/sink.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/time.hpp>
#include <string>
#include <thread>

namespace http = rivet::http;
namespace rt = rivet::runtime;

namespace {

rt::task<void> plaintext(http::request&, http::response& res) {
    res.set_body("Hello, World!");
    co_return;
}

rt::task<void> json(http::request&, http::response& res) {
    res.json().begin_object().field("message", "Hello, World!").end_object();
    co_return;
}

// Parses the body (400 when it is not JSON) and writes the document back.
rt::task<void> echo(http::request& req, http::response& res) {
    simdjson::dom::element doc = co_await req.json();
    http::write_json(res.json(), doc);
}

rt::task<void> user(http::request& req, http::response& res) {
    std::string_view id = req.param("id");
    if (id.empty() || id.find_first_not_of("0123456789") != std::string_view::npos) {
        throw http::http_error(404, "no such user");
    }
    res.json()
        .begin_object()
        .field("id", id)
        .field("name", "user " + std::string(id))
        .field("active", true)
        .end_object();
    co_return;
}

rt::task<void> search(http::request& req, http::response& res) {
    auto w = res.json();
    w.begin_object();
    for (const http::query_param& q : req.query_params()) w.field(q.name, q.value);
    w.end_object();
    co_return;
}

rt::task<void> stream(http::request& req, http::response& res) {
    int n = std::atoi(std::string(req.query("n").value_or("5")).c_str());
    res.set_header("Content-Type", "text/plain; charset=utf-8");
    for (int i = 1; i <= n && i <= 1000; ++i) {
        co_await res.write("line " + std::to_string(i) + "\n");
        co_await rt::sleep_for(std::chrono::milliseconds(10));
    }
}

rt::task<void> file(http::request& req, http::response& res) {
    std::string_view path = req.param("path");
    if (path.empty() || path.find("..") != std::string_view::npos) {
        throw http::http_error(404, "no such file");
    }
    try {
        res.send_file(std::string(path));
    } catch (const std::system_error&) {
        throw http::http_error(404, "no such file");
    }
    co_return;
}

rt::task<void> health(http::request&, http::response& res) {
    res.json().begin_object().field("status", "ok").end_object();
    co_return;
}

http::router routes() {
    http::router r;
    r.get("/plaintext", plaintext)
        .get("/json", json)
        .post("/echo", echo)
        .get("/users/:id", user)
        .get("/search", search)
        .get("/stream", stream)
        .get("/files/*path", file);
    auto api = r.group("/api/v1", {http::cors({.allow_origin = "*"})});
    api.get("/health", health);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    http::server_config config;
    try {
        config.address = rt::socket_address::parse(argc > 1 ? argv[1] : "127.0.0.1:8080");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "usage: service [address:port]\n%s\n", e.what());
        return 2;
    }
    // SIGINT/SIGTERM go to a thread that asks the server to drain (the
    // runtime's own signal handling would cancel every request at once).
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    http::server server(routes(), config);
    server.use(http::request_id());
    server.use(http::timing());
    // Access lines go through rivet's asynchronous logger: the request's
    // task copies the line into its thread's ring, the backend writes it.
    auto& access = rivet::log::make_logger(
        "access", {.sinks = {rivet::log::console_sink(rivet::log::console_stream::err)}});
    server.use(
        http::access_log([&access](std::string_view line) { RIVET_LOG_INFO(access, "{}", line); }));
    try {
        server.listen();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "service: %s\n", e.what());
        return 1;
    }
    std::printf("service: listening on http://%s (Ctrl-C to stop)\n",
                server.local_address().to_string().c_str());
    std::fflush(stdout);

    std::thread stopper([&] {
        int signal = 0;
        sigwait(&signals, &signal);
        server.stop();
    });
    rt::runtime runtime;
    runtime.block_on(server.run());
    std::printf("service: stopped\n");
    // The stopper thread has returned once run() has (stop() ended it).
    stopper.join();
    return 0;
}
