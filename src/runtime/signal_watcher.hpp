// Turns SIGINT and SIGTERM into cancellation of the runtime's root.
//
// The signals are blocked in the thread that creates the watcher (and so in
// the threads it starts later) and read from a signalfd by a dedicated
// thread, so no code runs in a signal handler. The first signal cancels the
// root; the second restores the default action and re-raises it, ending a
// process whose shutdown hangs. The destructor restores the signal mask.
#pragma once

#include <signal.h>

#include <functional>
#include <thread>

namespace rivet::runtime::detail {

class signal_watcher {
public:
    explicit signal_watcher(std::function<void()> on_first_signal);
    ~signal_watcher();
    signal_watcher(const signal_watcher&) = delete;
    signal_watcher& operator=(const signal_watcher&) = delete;

private:
    void watch() noexcept;

    std::function<void()> on_first_signal_;
    sigset_t previous_mask_{};
    int signal_fd_ = -1;
    int stop_fd_ = -1;
    std::thread thread_;
};

}  // namespace rivet::runtime::detail
