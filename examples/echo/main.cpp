// A TCP echo server: `echo [port]` listens on 127.0.0.1 (default port 7000)
// and sends back whatever each client sends. Ctrl-C (or SIGTERM) stops it
// gracefully: the acceptor and every connection are cancelled, and the
// process exits 0 once they have unwound.
//
// One listener serves all workers: an accepted connection's task runs where
// it was spawned, and idle workers steal tasks, so connections spread over
// the cores without a listener per worker.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/tcp.hpp>
#include <string>

namespace rt = rivet::runtime;

namespace {

rt::task<void> echo(rt::tcp_stream stream) {
    std::byte buffer[16384];
    try {
        for (;;) {
            std::size_t n = co_await stream.read(buffer);
            if (n == 0) co_return;
            co_await stream.write_all(std::span(buffer, n));
        }
    } catch (const std::system_error& e) {
        // A client that resets its connection is routine for a server.
        std::fprintf(stderr, "echo: %s\n", e.what());
    }
}

rt::task<void> serve(rt::socket_address address) {
    auto listener = rt::tcp_listener::bind(address);
    std::printf("echo: listening on %s (Ctrl-C to stop)\n",
                listener.local_address().to_string().c_str());
    std::fflush(stdout);
    for (;;) rt::spawn_named("echo connection", echo, co_await listener.accept()).detach();
}

}  // namespace

int main(int argc, char** argv) {
    int port = argc > 1 ? std::atoi(argv[1]) : 7000;
    if (port < 0 || port > 65535) {
        std::fprintf(stderr, "usage: echo [port]\n");
        return 2;
    }
    rt::runtime runtime({.cancel_on_signals = true});
    try {
        runtime.block_on(
            serve(rt::socket_address::from_ip("127.0.0.1", static_cast<std::uint16_t>(port))));
    } catch (const rt::cancelled_error&) {
        std::printf("echo: stopped\n");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "echo: %s\n", e.what());
        return 1;
    }
    return 0;
}
