#include "signal_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace rivet::runtime::detail {

signal_watcher::signal_watcher(std::function<void()> on_first_signal)
    : on_first_signal_(std::move(on_first_signal)) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
    signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
    if (signal_fd_ < 0 || stop_fd_ < 0) {
        int err = errno;
        if (signal_fd_ >= 0) ::close(signal_fd_);
        if (stop_fd_ >= 0) ::close(stop_fd_);
        pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
        throw std::system_error(err, std::generic_category(), "signalfd");
    }
    thread_ = std::thread([this] { watch(); });
}

signal_watcher::~signal_watcher() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
    ::close(signal_fd_);
    ::close(stop_fd_);
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void signal_watcher::watch() noexcept {
    bool seen = false;
    for (;;) {
        pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents) return;
        signalfd_siginfo info;
        if (::read(signal_fd_, &info, sizeof info) != sizeof info) continue;
        if (!seen) {
            seen = true;
            on_first_signal_();
            continue;
        }
        // Second signal: the user insists. Die the way the signal says.
        int signo = static_cast<int>(info.ssi_signo);
        ::signal(signo, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signo);
        pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
        ::raise(signo);
    }
}

}  // namespace rivet::runtime::detail
