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

task<tcp_stream> tcp_stream::connect(socket_address peer, std::optional<clock::duration> timeout) {
    if (timeout) co_return co_await with_timeout(*timeout, connect(peer));

    int fd = ::socket(peer.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw socket_error(errno, "socket for " + peer.to_string());
    tcp_stream stream(fd, peer);  // owns fd from here on: closed on any exit
    stream.set_nodelay(true);
    if (::connect(fd, peer.data(), peer.size()) < 0) {
        if (errno != EINPROGRESS) throw socket_error(errno, "connect to " + peer.to_string());
        // Writable means the handshake is over, one way or the other.
        detail::io_source& s = stream.socket_.source("connect");
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
    co_await detail::budget{};
    detail::io_source& s = socket_.source("read");
    int fd = socket_.get();
    for (;;) {
        std::uint64_t seen = s.read.edges.load(std::memory_order_acquire);
        if (seen == drained_at_ && !s.read_hangup.load(std::memory_order_relaxed)) {
            // The last read emptied the socket and no edge came since: any
            // data arriving after that recv brings an edge (edge-triggered
            // epoll reports every arrival), so wait for it first. Not once
            // the peer's FIN was seen: end of stream brings no further edge.
            co_await io_wait{s, s.read, seen};
            continue;
        }
        ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n > 0 && static_cast<std::size_t>(n) < buffer.size()) drained_at_ = seen;
        if (n >= 0) co_return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno != EAGAIN) throw socket_error(errno, "read from " + peer_.to_string());
        co_await io_wait{s, s.read, seen};
    }
}

task<std::size_t> tcp_stream::write(std::span<const std::byte> data) {
    co_await detail::budget{};
    detail::io_source& s = socket_.source("write");
    int fd = socket_.get();
    for (;;) {
        std::uint64_t seen = s.write.edges.load(std::memory_order_acquire);
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
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
    co_await detail::budget{};
    detail::io_source& s = socket_.source("write");
    int fd = socket_.get();
    msghdr message{};
    message.msg_iov = const_cast<iovec*>(buffers.data());
    message.msg_iovlen = buffers.size();
    for (;;) {
        std::uint64_t seen = s.write.edges.load(std::memory_order_acquire);
        ssize_t n = ::sendmsg(fd, &message, MSG_NOSIGNAL);
        if (n >= 0) co_return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno != EAGAIN) throw socket_error(errno, "write to " + peer_.to_string());
        co_await io_wait{s, s.write, seen};
    }
}

void tcp_stream::shutdown_write() {
    if (socket_.get() >= 0 && ::shutdown(socket_.get(), SHUT_WR) < 0) {
        throw socket_error(errno, "shutdown of the stream to " + peer_.to_string());
    }
}

void tcp_stream::set_nodelay(bool enabled) {
    int value = enabled ? 1 : 0;
    if (::setsockopt(socket_.get(), IPPROTO_TCP, TCP_NODELAY, &value, sizeof value) < 0) {
        throw socket_error(errno, "TCP_NODELAY on the stream to " + peer_.to_string());
    }
}

}  // namespace rivet::runtime
