// A server on a real socket for the integration tests, and blocking
// clients: raw bytes over a socket, curl and Python's http.client as
// subprocesses (real clients, not mocks).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <rivet/http/server.hpp>
#include <rivet/runtime/runtime.hpp>
#include <stdexcept>
#include <string>

namespace rivet::http::testing {

/// A server running on its own runtime until the harness is destroyed
/// (which stops it gracefully and waits for run() to return).
class test_server {
public:
    explicit test_server(router routes, server_config config = quiet(), unsigned workers = 2)
        : runtime_({.workers = workers}), server_(std::move(routes), fix(std::move(config))) {
        server_.listen();
        run_ = runtime_.spawn([s = &server_]() { return s->run(); });
    }
    ~test_server() { stop(); }

    void stop() {
        if (!run_.valid()) return;
        server_.stop();
        run_.join_blocking();
        run_ = {};
    }

    [[nodiscard]] std::uint16_t port() const { return server_.local_address().port(); }
    [[nodiscard]] std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port()) + path;
    }
    http::server& server() { return server_; }

    static server_config quiet() {
        server_config c;
        c.report = [](std::string_view) {};
        return c;
    }

private:
    static server_config fix(server_config c) {
        c.address = runtime::socket_address::from_ip("127.0.0.1", 0);
        c.listeners = 2;
        return c;
    }

    runtime::runtime runtime_;
    http::server server_;
    runtime::join_handle<void> run_;
};

/// A blocking client socket with a receive timeout.
class raw_client {
public:
    explicit raw_client(std::uint16_t port,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(fd_);
            throw std::runtime_error("connect failed");
        }
        timeval tv{static_cast<time_t>(timeout.count() / 1000),
                   static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~raw_client() { ::close(fd_); }
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    void send(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return;  // the server closed: the tests read its answer
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    /// Reads until the server closes (or the timeout passes); `closed` says which.
    std::string read_all(bool* closed = nullptr) {
        std::string out;
        char buf[8192];
        for (;;) {
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n > 0) {
                out.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (closed) *closed = n == 0 || errno == ECONNRESET;
            return out;
        }
    }

    /// Reads until `text` has been seen `count` times in the input.
    std::string read_until(std::string_view text, int count = 1) {
        std::string out;
        char buf[8192];
        for (;;) {
            int seen = 0;
            for (std::size_t at = out.find(text); at != std::string::npos;
                 at = out.find(text, at + 1)) {
                ++seen;
            }
            if (seen >= count) return out;
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return out;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }

    int fd() const { return fd_; }

private:
    int fd_ = -1;
};

/// Runs a shell command; returns its standard output.
inline std::string run(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    ::pclose(p);
    return out;
}

/// Counts the occurrences of `needle` in `hay`.
inline int count(std::string_view hay, std::string_view needle) {
    int n = 0;
    for (std::size_t at = hay.find(needle); at != std::string_view::npos;
         at = hay.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

}  // namespace rivet::http::testing
