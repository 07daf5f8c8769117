#include "fatal_signals.hpp"

#include <signal.h>

#include "backend.hpp"

namespace rivet::log::detail {
namespace {

constexpr int fatal_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTERM};
constexpr int flush_timeout_ms = 2000;

void on_fatal_signal(int sig) {
    backend::instance().flush_from_signal(flush_timeout_ms);
    // SA_RESETHAND restored the default action; raised again, the signal is
    // delivered as the handler returns (it is blocked until then).
    ::raise(sig);
}

}  // namespace

void install_fatal_signal_flush() noexcept {
    for (int sig : fatal_signals) {
        struct sigaction old {};
        if (::sigaction(sig, nullptr, &old) != 0) continue;
        if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler != SIG_DFL) continue;
        if ((old.sa_flags & SA_SIGINFO) && old.sa_sigaction != nullptr) continue;
        struct sigaction act {};
        act.sa_handler = on_fatal_signal;
        sigemptyset(&act.sa_mask);
        act.sa_flags = SA_RESETHAND | SA_ONSTACK;
        ::sigaction(sig, &act, nullptr);
    }
}

}  // namespace rivet::log::detail
