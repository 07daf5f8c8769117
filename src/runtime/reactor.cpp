#include "reactor.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace rivet::runtime::detail {
namespace {

constexpr int max_events = 256;

// The reactor whose poll() runs on this thread, if any. A task woken by that
// poll is queued on this very worker, and the scheduler, which still counts
// the worker as parked, asks it to unpark: the eventfd write (and the read
// and extra epoll_wait that drain it) would wake a thread that is awake.
thread_local const reactor* polling_here = nullptr;

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// Counts an edge and wakes the waiter, if any, under the source's lock (see
// task_core.hpp: the waiter is alive while we hold it).
bool signal(io_source& s, io_direction& d) noexcept {
    std::lock_guard lock(s.lock);
    d.edges.fetch_add(1, std::memory_order_release);
    if (!d.waiting) return false;
    d.waiting = false;
    return task_core::wake(d.waiter);
}

}  // namespace

reactor::reactor() {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) throw_errno("epoll_create1");
    event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (event_fd_ < 0) {
        ::close(epoll_fd_);
        throw_errno("eventfd");
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.ptr = nullptr;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev) < 0) {
        ::close(event_fd_);
        ::close(epoll_fd_);
        throw_errno("epoll_ctl(eventfd)");
    }
}

reactor::~reactor() {
    free_released();
    ::close(event_fd_);
    ::close(epoll_fd_);
}

io_source* reactor::add(int fd) {
    auto* s = new io_source;
    s->fd = fd;
    s->owner = this;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = s;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
        int err = errno;
        delete s;
        throw std::system_error(err, std::generic_category(), "epoll_ctl(ADD)");
    }
    sources_.fetch_add(1, std::memory_order_relaxed);
    return s;
}

void reactor::remove(io_source* s) noexcept {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, s->fd, nullptr);
    {
        std::lock_guard lock(s->lock);
        s->closed = true;
        for (io_direction* d : {&s->read, &s->write}) {
            if (d->waiting) {
                d->waiting = false;
                task_core::wake(d->waiter);
            }
        }
    }
    sources_.fetch_sub(1, std::memory_order_relaxed);
    release(s);
}

void reactor::release(io_source* s) noexcept {
    if (s->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    std::lock_guard lock(released_mutex_);
    released_.push_back(s);
}

void reactor::free_released() noexcept {
    std::vector<io_source*> doomed;
    {
        std::lock_guard lock(released_mutex_);
        doomed.swap(released_);
    }
    for (io_source* s : doomed) delete s;
}

int reactor::poll(int timeout_ms) noexcept {
    if (timeout_ms == 0 && sources_.load(std::memory_order_relaxed) == 0) return 0;
    free_released();
    epoll_event events[max_events];
    int n = ::epoll_wait(epoll_fd_, events, max_events, timeout_ms);
    polling_here = this;
    int woken = 0;
    for (int i = 0; i < n; ++i) {
        auto* s = static_cast<io_source*>(events[i].data.ptr);
        if (s == nullptr) {
            std::uint64_t drained;
            [[maybe_unused]] auto r = ::read(event_fd_, &drained, sizeof drained);
            continue;
        }
        std::uint32_t e = events[i].events;
        if (e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            s->read_hangup.store(true,
                                 std::memory_order_relaxed);  // published by the edge's release
        }
        if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) woken += signal(*s, s->read);
        if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) woken += signal(*s, s->write);
    }
    polling_here = nullptr;
    return woken;
}

void reactor::unpark() noexcept {
    if (polling_here == this) return;
    std::uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(event_fd_, &one, sizeof one);
}

}  // namespace rivet::runtime::detail
