#include <rivet/runtime/time.hpp>
#include <stdexcept>

#include "timer_heap.hpp"
#include "worker.hpp"

namespace rivet::runtime {
namespace {

detail::timer_heap& current_timers() {
    detail::worker* w = detail::worker::current();
    if (w == nullptr) throw std::logic_error("rivet timers used outside a runtime task");
    return w->timers();
}

struct sleeper : detail::timer_entry {
    detail::wait_ticket ticket;

    bool await_ready() const {
        this_task::throw_if_cancelled();
        return deadline <= clock::now();
    }

    void await_suspend(std::coroutine_handle<> h) {
        detail::task_core* t = detail::current_task();
        t->resume_point = h;
        ticket = t->ticket();
        fire = [](detail::timer_entry& e) noexcept {
            detail::task_core::wake(static_cast<sleeper&>(e).ticket);
        };
        current_timers().arm(*this);
    }

    void await_resume() {
        // Still armed: the timer did not wake us, a cancellation did. (Not
        // armed at all when await_ready found the deadline passed.)
        if (heap != nullptr && heap->disarm(*this)) throw cancelled_error();
    }
};

}  // namespace

task<void> sleep_until(clock::time_point deadline) {
    sleeper s;
    s.deadline = deadline;
    co_await s;
}

namespace detail {

timeout_scope::timeout_scope(clock::time_point deadline) : node_(current_task()) {
    if (node_.task == nullptr) throw std::logic_error("rivet timeouts used outside a runtime task");
    timer_.deadline = deadline;
    timer_.node = &node_;
    timer_.fire = [](timer_entry& e) noexcept {
        auto& self = static_cast<entry&>(e);
        self.fired.store(true, std::memory_order_release);
        cancel(*self.node);
    };
    // Armed first (it may throw); it cannot fire before this task's run ends,
    // because only this worker fires its timers, between runs.
    current_timers().arm(timer_);
    outer_ = node_.task->scope;
    link_cancel(node_, *outer_);
    node_.task->scope = &node_;
}

timeout_scope::~timeout_scope() {
    if (timer_.heap) timer_.heap->disarm(timer_);
    node_.task->scope = outer_;
    unlink_cancel(node_);
    node_.task->renew_tickets();
}

void timeout_scope::pause() noexcept {
    // A timer that is not armed has fired: the scope is cancelled for good.
    if (paused_ || timer_.heap == nullptr || !timer_.heap->disarm(timer_)) return;
    left_ = timer_.deadline - clock::now();
    paused_ = true;
}

void timeout_scope::resume() noexcept {
    if (!paused_) return;
    paused_ = false;
    timer_.deadline = clock::now() + left_;
    try {
        current_timers().arm(timer_);
    } catch (...) {  // no memory for the heap to grow: end the scope rather than lose its deadline
        timer_.fired.store(true, std::memory_order_release);
        cancel(node_);
    }
}

bool timeout_scope::timed_out() const noexcept {
    return timer_.fired.load(std::memory_order_acquire) &&
           !outer_->cancelled.load(std::memory_order_acquire);
}

}  // namespace detail
}  // namespace rivet::runtime
