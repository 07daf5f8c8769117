// Boost.Beast peer: one io_context thread, a C++20 coroutine per
// connection, keep-alive, the same three routes; JSON through simdjson as
// rivet does (parse, then minify back).
//     http_bench_beast <port>
#include <simdjson.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cstdlib>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

asio::awaitable<void> session(tcp::socket socket) {
    socket.set_option(tcp::no_delay(true));
    beast::flat_buffer buffer;
    simdjson::dom::parser parser;
    for (;;) {
        http::request<http::string_body> req;
        auto [ec, n] =
            co_await http::async_read(socket, buffer, req, asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::server, "beast");
        if (req.target() == "/plaintext") {
            res.set(http::field::content_type, "text/plain; charset=utf-8");
            res.body() = "Hello, World!";
        } else if (req.target() == "/json") {
            res.set(http::field::content_type, "application/json");
            res.body() = R"({"message":"Hello, World!"})";
        } else if (req.target() == "/echo" && req.method() == http::verb::post) {
            simdjson::dom::element doc;
            if (parser.parse(req.body()).get(doc)) {
                res.result(http::status::bad_request);
            } else {
                res.set(http::field::content_type, "application/json");
                res.body() = simdjson::minify(doc);
            }
        } else {
            res.result(http::status::not_found);
        }
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        auto [wec, wn] =
            co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
        if (wec || !req.keep_alive()) co_return;
    }
}

asio::awaitable<void> listen(tcp::acceptor acceptor) {
    for (;;) {
        tcp::socket s = co_await acceptor.async_accept(asio::use_awaitable);
        asio::co_spawn(acceptor.get_executor(), session(std::move(s)), asio::detached);
    }
}

}  // namespace

int main(int argc, char** argv) {
    asio::io_context io(1);
    auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 8080);
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
    asio::co_spawn(io, listen(std::move(acceptor)), asio::detached);
    asio::signal_set stop(io, SIGINT, SIGTERM);
    stop.async_wait([&](auto, auto) { io.stop(); });
    io.run();
}
