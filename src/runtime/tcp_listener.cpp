#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <rivet/runtime/tcp.hpp>
#include <utility>

#include "io_wait.hpp"

namespace rivet::runtime {

using detail::socket_error;

tcp_listener tcp_listener::bind(const socket_address& address, listen_options options) {
    tcp_listener l;
    int fd = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw socket_error(errno, "socket for " + address.to_string());
    l.socket_ = detail::socket_fd(fd);  // closed on any exit below
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (options.reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
        throw socket_error(errno, "SO_REUSEPORT on " + address.to_string());
    }
    if (::bind(fd, address.data(), address.size()) < 0) {
        throw socket_error(errno, "bind to " + address.to_string());
    }
    if (::listen(fd, options.backlog) < 0) {
        throw socket_error(errno, "listen on " + address.to_string());
    }
    l.local_ = l.socket_.local_address();
    return l;
}

task<tcp_stream> tcp_listener::accept() {
    co_await detail::budget{};
    detail::io_source& s = socket_.source("accept");
    for (;;) {
        std::uint64_t seen = s.read.edges.load(std::memory_order_acquire);
        sockaddr_storage peer{};
        socklen_t len = sizeof peer;
        int fd = ::accept4(socket_.get(), reinterpret_cast<sockaddr*>(&peer), &len,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            tcp_stream stream(
                fd, socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&peer), len));
            stream.set_nodelay(true);
            co_return stream;
        }
        // A connection reset before we took it is the peer's business, not ours.
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN) throw socket_error(errno, "accept on " + local_.to_string());
        co_await detail::io_wait{s, s.read, seen};
    }
}

}  // namespace rivet::runtime
