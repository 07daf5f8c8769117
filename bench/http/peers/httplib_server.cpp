// cpp-httplib peer (Debian's libcpp-httplib-dev): its thread pool sized
// above the benchmark's 50 connections, since a kept-alive connection holds
// a thread (the library's own advice for many keep-alive clients), and
// TCP_NODELAY on (off by default).
//     http_bench_httplib <port>
#include <simdjson.h>

#include <cstdlib>
#include <httplib.h>

int main(int argc, char** argv) {
    httplib::Server server;
    server.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server.Get("/plaintext", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("Hello, World!", "text/plain; charset=utf-8");
    });
    server.Get("/json", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(R"({"message":"Hello, World!"})", "application/json");
    });
    server.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
        thread_local simdjson::dom::parser parser;
        simdjson::dom::element doc;
        if (parser.parse(req.body).get(doc)) {
            res.status = 400;
            return;
        }
        res.set_content(simdjson::minify(doc), "application/json");
    });
    server.set_keep_alive_max_count(1000000);
    server.set_tcp_nodelay(true);  // else Nagle and delayed ACKs cap it near 1,100 requests/s
    server.listen("127.0.0.1", argc > 1 ? std::atoi(argv[1]) : 8080);
}
