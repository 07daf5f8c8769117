// Settings of a runtime. Every field has a default that suits a server:
// `runtime_config{}` is a complete configuration.
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

namespace rivet::runtime {

/// The default number of workers: the cgroup CPU quota (rounded up) when the
/// process runs under one, else the number of cores; at least 1.
unsigned default_worker_count() noexcept;

/// Whether the stall detector is on by default: in debug builds of the
/// library (decided where the library is compiled, so every translation unit
/// of a program agrees).
bool default_detect_stalls() noexcept;

struct runtime_config {
    /// Worker threads; 0 means default_worker_count().
    unsigned workers = 0;

    /// Report a task that holds a worker longer than stall_threshold, with
    /// its name. On by default in debug builds; the check costs two relaxed
    /// stores per task run and a monitor thread that wakes every half threshold.
    bool detect_stalls = default_detect_stalls();
    std::chrono::milliseconds stall_threshold{20};

    /// Upper bound on threads running spawn_blocking work at once.
    unsigned max_blocking_threads = 64;

    /// How long shutdown waits for cancelled tasks to finish before giving up on them.
    std::chrono::milliseconds shutdown_timeout{5000};

    /// The first SIGINT or SIGTERM cancels every task (the graceful path:
    /// block_on's task sees cancelled_error at its next suspension); a second
    /// one ends the process with the signal's default action. The signals are
    /// blocked in the thread that creates the runtime and in its threads.
    bool cancel_on_signals = false;

    /// Where the runtime reports stalls, errors escaping detached tasks and
    /// tasks left behind at shutdown; the default writes a line to stderr.
    std::function<void(std::string_view)> report;
};

}  // namespace rivet::runtime
