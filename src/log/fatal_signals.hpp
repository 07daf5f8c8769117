// fatal_signals: on SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL and SIGTERM,
// write out what the backend holds before the process dies.
//
// The handler is installed only where the disposition is the default one
// (a program's or a sanitizer's own handler is left alone). It asks the
// backend for a flush (atomics and a futex wake: async-signal-safe), waits
// for it with nanosleep up to two seconds (the backend may be the thread
// that crashed, or wait on a lock the crashed thread holds), then restores
// the default action and raises the signal again.
#pragma once

namespace rivet::log::detail {

/// Installs the handler (once).
void install_fatal_signal_flush() noexcept;

}  // namespace rivet::log::detail
