// The routes the integration tests serve.
#pragma once

#include <rivet/http/json.hpp>
#include <rivet/http/server.hpp>
#include <rivet/runtime/time.hpp>
#include <stdexcept>
#include <string>

namespace rivet::http::testing {

inline router test_routes() {
    using runtime::task;
    router r;
    r.get("/plaintext", [](request&, response& res) -> task<void> {
        res.set_body("Hello, World!");
        co_return;
    });
    r.get("/json", [](request&, response& res) -> task<void> {
        res.json().begin_object().field("message", "Hello, World!").end_object();
        co_return;
    });
    // The raw body back, read whole.
    r.post("/echo", [](request& req, response& res) -> task<void> {
        std::string_view body = co_await req.body();
        res.set_body(body, req.header("Content-Type").value_or("application/octet-stream"));
    });
    r.post("/json-echo", [](request& req, response& res) -> task<void> {
        simdjson::dom::element doc = co_await req.json();
        res.json().raw(simdjson::minify(doc));
    });
    // The body's length, read in small pieces (streamed).
    r.post("/count", [](request& req, response& res) -> task<void> {
        char piece[1000];
        std::size_t total = 0;
        while (std::size_t n = co_await req.read_body(piece)) total += n;
        res.set_body(std::to_string(total));
    });
    r.post("/ignore-body", [](request&, response& res) -> task<void> {
        res.set_body("ignored");
        co_return;
    });
    r.get("/users/:id", [](request& req, response& res) -> task<void> {
        res.set_body("user " + std::string(req.param("id")));
        co_return;
    });
    r.get("/stream", [](request& req, response& res) -> task<void> {
        int n = std::stoi(std::string(req.query("n").value_or("3")));
        for (int i = 0; i < n; ++i) co_await res.write("chunk " + std::to_string(i) + "\n");
    });
    r.get("/stream-204", [](request&, response& res) -> task<void> {
        res.set_status(204);
        co_await res.write("ignored: a 204 has no body");
    });
    r.get("/stream-then-close", [](request&, response& res) -> task<void> {
        co_await res.write("a");
        res.close_connection();
        co_await res.write("b");
    });
    // Streams a line, then the body back.
    r.post("/stream-then-read", [](request& req, response& res) -> task<void> {
        co_await res.write("first\n");
        std::string_view body = co_await req.body();
        co_await res.write(body);
    });
    r.get("/stream-big", [](request&, response& res) -> task<void> {
        co_await res.write(std::string(20'000'000, 'S'));
    });
    r.get("/slow", [](request& req, response& res) -> task<void> {
        int ms = std::stoi(std::string(req.query("ms").value_or("100")));
        co_await runtime::sleep_for(std::chrono::milliseconds(ms));
        res.set_body("slept");
    });
    r.get("/throw", [](request&, response&) -> task<void> {
        throw std::runtime_error("handler failure");
        co_return;
    });
    return r;
}

}  // namespace rivet::http::testing
