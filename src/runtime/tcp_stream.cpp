#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <rivet/runtime/tcp.hpp>
#include <utility>

#include "io_wait.hpp"

namespace rivet::runtime {

using detail::io_wait;
using detail::socket_error;

tcp_stream::tcp_stream(tcp_stream&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      peer_(other.peer_),
      source_(std::exchange(other.source_, nullptr)) {}

tcp_stream& tcp_stream::operator=(tcp_stream&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        peer_ = other.peer_;
        source_ = std::exchange(other.source_, nullptr);
    }
    return *this;
}

detail::io_source& tcp_stream::source() {
    if (fd_ < 0) throw socket_error(EBADF, "use of a closed stream to " + peer_.to_string());
    if (source_ == nullptr) source_ = detail::register_with_current_reactor(fd_);
    return *source_;
}

task<tcp_stream> tcp_stream::connect(socket_address peer, std::optional<clock::duration> timeout) {
    if (timeout) co_return co_await with_timeout(*timeout, connect(peer));

    int fd = ::socket(peer.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw socket_error(errno, "socket for " + peer.to_string());
    tcp_stream stream(fd, peer);  // owns fd from here on: closed on any exit
    stream.set_nodelay(true);
    if (::connect(fd, peer.data(), peer.size()) < 0) {
        if (errno != EINPROGRESS) throw socket_error(errno, "connect to " + peer.to_string());
        // Writable means the handshake is over, one way or the other.
        detail::io_source& s = stream.source();
        for (;;) {
            std::uint64_t seen = s.write.edges.load(std::memory_order_acquire);
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) throw socket_error(err, "connect to " + peer.to_string());
            sockaddr_storage ignored;
            socklen_t ignored_len = sizeof ignored;
            if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ignored), &ignored_len) == 0) break;
            co_await io_wait{s, s.write, seen};
        }
    }
    co_return stream;
}

task<std::size_t> tcp_stream::read(std::span<std::byte> buffer) {
    detail::io_source& s = source();
    for (;;) {
        std::uint64_t seen = s.read.edges.load(std::memory_order_acquire);
        ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (n >= 0) co_return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno != EAGAIN) throw socket_error(errno, "read from " + peer_.to_string());
        co_await io_wait{s, s.read, seen};
    }
}

task<std::size_t> tcp_stream::write(std::span<const std::byte> data) {
    detail::io_source& s = source();
    for (;;) {
        std::uint64_t seen = s.write.edges.load(std::memory_order_acquire);
        ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0) co_return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno != EAGAIN) throw socket_error(errno, "write to " + peer_.to_string());
        co_await io_wait{s, s.write, seen};
    }
}

task<void> tcp_stream::write_all(std::span<const std::byte> data) {
    while (!data.empty()) data = data.subspan(co_await write(data));
}

task<std::size_t> tcp_stream::writev(std::span<const iovec> buffers) {
    detail::io_source& s = source();
    msghdr message{};
    message.msg_iov = const_cast<iovec*>(buffers.data());
    message.msg_iovlen = buffers.size();
    for (;;) {
        std::uint64_t seen = s.write.edges.load(std::memory_order_acquire);
        ssize_t n = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
        if (n >= 0) co_return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno != EAGAIN) throw socket_error(errno, "write to " + peer_.to_string());
        co_await io_wait{s, s.write, seen};
    }
}

void tcp_stream::shutdown_write() {
    if (fd_ >= 0 && ::shutdown(fd_, SHUT_WR) < 0) {
        throw socket_error(errno, "shutdown of the stream to " + peer_.to_string());
    }
}

void tcp_stream::close() noexcept {
    if (fd_ < 0) return;
    // Deregister before closing, so the fd number cannot be reused while the
    // reactor still knows it.
    if (detail::io_source* s = std::exchange(source_, nullptr)) s->owner->remove(s);
    ::close(std::exchange(fd_, -1));
}

void tcp_stream::set_nodelay(bool enabled) {
    int value = enabled ? 1 : 0;
    if (::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &value, sizeof value) < 0) {
        throw socket_error(errno, "TCP_NODELAY on the stream to " + peer_.to_string());
    }
}

socket_address tcp_stream::local_address() const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
        throw socket_error(errno, "getsockname");
    }
    return socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&addr), len);
}

}  // namespace rivet::runtime
