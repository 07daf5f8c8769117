// TCP on the runtime: listeners and streams whose operations suspend the
// calling task instead of blocking its worker.
//
// A socket is non-blocking and registered (edge-triggered) with the reactor
// of the worker where it is first used; readiness wakes the task on that
// worker. Every operation is a suspension point: it throws cancelled_error
// if the task is cancelled while it waits, and leaves the socket usable.
// Timeouts compose: `co_await with_timeout(5s, stream.read(buf))` throws
// timeout_error. Errors are std::system_error carrying the errno, and a
// message naming the operation and the peer ("connect to 127.0.0.1:7000:
// Connection refused"). No operation raises SIGPIPE.
//
// Streams set TCP_NODELAY: a request/response protocol that writes a
// response in one call should not wait for Nagle's algorithm.
//
// A stream or listener is move-only and closes its socket when destroyed.
// At most one task may read and one task may write a stream at a time.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <rivet/runtime/task.hpp>
#include <rivet/runtime/time.hpp>
#include <span>
#include <string>
#include <string_view>

namespace rivet::runtime {

namespace detail {
struct io_source;
}

/// An IPv4 or IPv6 address and port.
class socket_address {
public:
    socket_address() = default;

    /// Parses "127.0.0.1:7000" or "[::1]:7000"; throws std::invalid_argument
    /// naming the text when it is neither.
    static socket_address parse(std::string_view text);
    /// `ip` is a numeric IPv4 or IPv6 address; throws std::invalid_argument.
    static socket_address from_ip(std::string_view ip, std::uint16_t port);
    static socket_address from_sockaddr(const sockaddr* addr, socklen_t length);

    [[nodiscard]] std::uint16_t port() const noexcept;
    [[nodiscard]] int family() const noexcept { return storage_.ss_family; }
    /// "127.0.0.1:7000" or "[::1]:7000".
    [[nodiscard]] std::string to_string() const;

    [[nodiscard]] const sockaddr* data() const noexcept {
        return reinterpret_cast<const sockaddr*>(&storage_);
    }
    [[nodiscard]] socklen_t size() const noexcept { return length_; }

private:
    sockaddr_storage storage_{};
    socklen_t length_ = 0;
};

namespace detail {

/// A non-blocking socket: owns the fd, registers it with the current
/// worker's reactor on first use, deregisters it before closing it.
class socket_fd {
public:
    socket_fd() noexcept = default;
    explicit socket_fd(int fd) noexcept : fd_(fd) {}
    socket_fd(socket_fd&& other) noexcept;
    socket_fd& operator=(socket_fd&& other) noexcept;
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    ~socket_fd() { close(); }

    /// The reactor registration; throws std::system_error naming `what` when
    /// the socket is closed, std::logic_error outside a runtime task.
    io_source& source(const char* what);
    /// Closes the socket (idempotent); a task waiting on it gets std::system_error.
    void close() noexcept;
    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] socket_address local_address() const;

private:
    int fd_ = -1;
    io_source* source_ = nullptr;
};

}  // namespace detail

/// A connected TCP socket.
class tcp_stream {
public:
    tcp_stream() = default;
    /// Adopts a connected, non-blocking socket.
    tcp_stream(int fd, socket_address peer) noexcept : socket_(fd), peer_(peer) {}

    /// Connects to `peer`; throws std::system_error (refused, unreachable...)
    /// or, when `timeout` is given and passes first, timeout_error.
    [[nodiscard]] static task<tcp_stream> connect(socket_address peer,
                                                  std::optional<clock::duration> timeout = {});

    /// Reads what is available, at least one byte, into `buffer`, suspending
    /// until some arrives; returns 0 at end of stream. Throws std::system_error.
    /// After a read that filled less than its buffer, the socket is known to
    /// be empty: the next read waits for the reactor's next readiness edge
    /// instead of trying recv first (as nginx does), which saves a recv that
    /// would fail with EAGAIN on every request/response exchange.
    [[nodiscard]] task<std::size_t> read(std::span<std::byte> buffer);

    /// Writes as much of `data` as the socket takes at once (at least one
    /// byte), suspending until it takes some; returns the count.
    [[nodiscard]] task<std::size_t> write(std::span<const std::byte> data);

    /// Writes all of `data`, suspending as often as needed.
    [[nodiscard]] task<void> write_all(std::span<const std::byte> data);

    /// Gathers `buffers` into one write (at least one byte); returns the count written.
    [[nodiscard]] task<std::size_t> writev(std::span<const iovec> buffers);

    /// Half-closes: the peer reads end of stream; this side can still read.
    void shutdown_write();

    /// Closes the socket (idempotent); a task waiting on it gets std::system_error.
    void close() noexcept { socket_.close(); }

    /// Enables or disables Nagle's algorithm (disabled by default).
    void set_nodelay(bool enabled);

    [[nodiscard]] bool is_open() const noexcept { return socket_.get() >= 0; }
    [[nodiscard]] const socket_address& peer_address() const noexcept { return peer_; }
    [[nodiscard]] socket_address local_address() const { return socket_.local_address(); }
    [[nodiscard]] int native_handle() const noexcept { return socket_.get(); }

private:
    detail::socket_fd socket_;
    socket_address peer_;
    /// The read-edge count seen before the last short read: while the
    /// reactor's count still equals it, no data has arrived since.
    std::uint64_t drained_at_ = ~std::uint64_t{0};
};

struct listen_options {
    int backlog = 1024;
    /// SO_REUSEPORT: several listeners (one per worker, or per process) on
    /// one port, the kernel spreading connections between them.
    bool reuse_port = false;
};

/// A listening TCP socket.
class tcp_listener {
public:
    tcp_listener() = default;

    /// Binds and listens (SO_REUSEADDR always); port 0 picks a free port.
    /// Throws std::system_error naming the address.
    [[nodiscard]] static tcp_listener bind(const socket_address& address,
                                           listen_options options = {});

    /// Suspends until a connection arrives and returns it. Throws
    /// std::system_error, e.g. EMFILE when out of file descriptors (the
    /// pending connection stays queued).
    [[nodiscard]] task<tcp_stream> accept();

    void close() noexcept { socket_.close(); }
    [[nodiscard]] socket_address local_address() const { return local_; }
    [[nodiscard]] int native_handle() const noexcept { return socket_.get(); }

private:
    detail::socket_fd socket_;
    socket_address local_;
};

}  // namespace rivet::runtime
