// Waiting for readiness on a socket registered with a worker's reactor.
//
// Usage, for each operation:
//     auto seen = dir.edges.load(acquire);   // before the syscall
//     n = ::recv(...);
//     if (n < 0 && errno == EAGAIN) co_await io_wait{source, dir, seen};
// The wait returns at once if an edge arrived after the snapshot, so an
// edge between the syscall and the wait is never lost (reactor.hpp).
#pragma once

#include <cerrno>
#include <coroutine>
#include <mutex>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <stdexcept>
#include <string>
#include <system_error>

#include "reactor.hpp"
#include "worker.hpp"

namespace rivet::runtime::detail {

/// Registers `fd` with the current worker's reactor; throws outside a runtime task.
inline io_source* register_with_current_reactor(int fd) {
    worker* w = worker::current();
    if (w == nullptr) throw std::logic_error("rivet sockets used outside a runtime task");
    return w->io().add(fd);
}

/// Builds the error of a failed socket call: "connect to 127.0.0.1:1: Connection refused".
inline std::system_error socket_error(int err, const std::string& operation) {
    return std::system_error(err, std::generic_category(), operation);
}

struct io_wait {
    io_source& source;
    io_direction& direction;
    std::uint64_t seen;
    mutable bool suspended = false;

    bool await_ready() const {
        this_task::throw_if_cancelled();
        return direction.edges.load(std::memory_order_acquire) != seen;
    }

    bool await_suspend(std::coroutine_handle<> h) const {
        task_core* t = current_task();
        std::lock_guard lock(source.lock);
        if (source.closed || direction.edges.load(std::memory_order_acquire) != seen) return false;
        t->resume_point = h;
        direction.waiter = t->ticket();
        direction.waiting = true;
        source.refs.fetch_add(1, std::memory_order_relaxed);  // dropped in await_resume
        suspended = true;
        return true;
    }

    void await_resume() {
        bool woken_by_cancel;
        bool closed;
        {
            std::lock_guard lock(source.lock);
            woken_by_cancel = direction.waiting;  // still registered: the reactor did not wake us
            direction.waiting = false;
            closed = source.closed;
        }
        if (suspended) source.owner->release(&source);
        if (closed) throw socket_error(EBADF, "socket closed while waiting on it");
        if (woken_by_cancel) throw cancelled_error();
    }
};

}  // namespace rivet::runtime::detail
