// A worker's reactor: an epoll instance watching the worker's sockets and
// an eventfd that other threads write to wake the worker when it is parked.
//
// Readiness is edge-triggered. Each io_source counts the readiness edges it
// has seen per direction; an operation snapshots the count before its
// syscall, and on EAGAIN waits only if no edge arrived since the snapshot,
// so an edge between the syscall and the wait is never missed.
//
// Sources are reference counted: one reference for the socket that owns it,
// one for each task waiting on it (from registration until the waiter has
// looked at it after waking, so a socket closed meanwhile cannot pull it out
// from under the waiter). The last reference hands it to the reactor, which
// frees it at the start of its next poll: events from an epoll_wait already
// returned may still point at a source that was just deregistered.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <vector>

namespace rivet::runtime::detail {

class reactor;

/// What a task waits for on one direction of a source.
struct io_direction {
    std::atomic<std::uint64_t> edges{0};
    wait_ticket waiter;
    bool waiting = false;
};

struct io_source {
    int fd = -1;
    reactor* owner = nullptr;
    base::spinlock lock;  // guards the waiters and `closed`
    io_direction read;
    io_direction write;
    bool closed = false;
    /// Set (before the edge is counted) once epoll reports the peer's FIN, a
    /// hangup or an error: a short read no longer means the socket is empty,
    /// since the end of stream is still to be read (tcp_stream::read).
    std::atomic<bool> read_hangup{false};
    std::atomic<int> refs{1};
};

class reactor {
public:
    reactor();
    ~reactor();
    reactor(const reactor&) = delete;
    reactor& operator=(const reactor&) = delete;

    /// Registers `fd` (non-blocking) and returns its source; throws std::system_error.
    io_source* add(int fd);
    /// Deregisters the source, wakes its waiters and drops the owner's
    /// reference; the fd stays open (the caller closes it).
    void remove(io_source* source) noexcept;
    /// Drops a reference; the last one schedules the source to be freed.
    void release(io_source* source) noexcept;

    /// Waits up to `timeout_ms` (-1: forever, 0: not at all) for events and
    /// dispatches them; returns how many tasks were woken. A poll that may not
    /// wait, with no source registered, returns at once without a syscall:
    /// a busy worker with no sockets pays nothing for its periodic I/O check.
    int poll(int timeout_ms) noexcept;
    /// Wakes a poll in progress on another thread (or makes the next one return
    /// at once). Called from inside this reactor's poll (a task it woke), it
    /// does nothing: the polling thread is awake.
    void unpark() noexcept;

private:
    void free_released() noexcept;

    int epoll_fd_ = -1;
    int event_fd_ = -1;
    std::atomic<std::size_t> sources_{0};
    std::mutex released_mutex_;
    std::vector<io_source*> released_;
};

}  // namespace rivet::runtime::detail
