#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <rivet/runtime/tcp.hpp>
#include <string>
#include <utility>

#include "io_wait.hpp"

namespace rivet::runtime::detail {

socket_fd::socket_fd(socket_fd&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), source_(std::exchange(other.source_, nullptr)) {}

socket_fd& socket_fd::operator=(socket_fd&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        source_ = std::exchange(other.source_, nullptr);
    }
    return *this;
}

io_source& socket_fd::source(const char* what) {
    if (fd_ < 0) throw socket_error(EBADF, std::string(what) + " on a closed socket");
    if (source_ == nullptr) source_ = register_with_current_reactor(fd_);
    return *source_;
}

void socket_fd::close() noexcept {
    if (fd_ < 0) return;
    // Deregister before closing, so the fd number cannot be reused while the
    // reactor still knows it.
    if (io_source* s = std::exchange(source_, nullptr)) s->owner->remove(s);
    ::close(std::exchange(fd_, -1));
}

socket_address socket_fd::local_address() const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
        throw socket_error(errno, "getsockname");
    }
    return socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&addr), len);
}

}  // namespace rivet::runtime::detail
