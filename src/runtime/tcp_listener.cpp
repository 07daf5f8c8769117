#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <rivet/runtime/tcp.hpp>
#include <utility>

#include "io_wait.hpp"

namespace rivet::runtime {

using detail::socket_error;

tcp_listener::tcp_listener(tcp_listener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      local_(other.local_),
      source_(std::exchange(other.source_, nullptr)) {}

tcp_listener& tcp_listener::operator=(tcp_listener&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        local_ = other.local_;
        source_ = std::exchange(other.source_, nullptr);
    }
    return *this;
}

tcp_listener tcp_listener::bind(const socket_address& address, listen_options options) {
    tcp_listener l;
    l.fd_ = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l.fd_ < 0) throw socket_error(errno, "socket for " + address.to_string());
    int one = 1;
    ::setsockopt(l.fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (options.reuse_port && ::setsockopt(l.fd_, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
        throw socket_error(errno, "SO_REUSEPORT on " + address.to_string());
    }
    if (::bind(l.fd_, address.data(), address.size()) < 0) {
        throw socket_error(errno, "bind to " + address.to_string());
    }
    if (::listen(l.fd_, options.backlog) < 0) {
        throw socket_error(errno, "listen on " + address.to_string());
    }
    l.local_ = l.local_address();
    return l;
}

detail::io_source& tcp_listener::source() {
    if (fd_ < 0) throw socket_error(EBADF, "accept on a closed listener");
    if (source_ == nullptr) source_ = detail::register_with_current_reactor(fd_);
    return *source_;
}

task<tcp_stream> tcp_listener::accept() {
    detail::io_source& s = source();
    for (;;) {
        std::uint64_t seen = s.read.edges.load(std::memory_order_acquire);
        sockaddr_storage peer{};
        socklen_t len = sizeof peer;
        int fd =
            ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
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

void tcp_listener::close() noexcept {
    if (fd_ < 0) return;
    if (detail::io_source* s = std::exchange(source_, nullptr)) s->owner->remove(s);
    ::close(std::exchange(fd_, -1));
}

socket_address tcp_listener::local_address() const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
        throw socket_error(errno, "getsockname");
    }
    return socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&addr), len);
}

}  // namespace rivet::runtime
