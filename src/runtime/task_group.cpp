#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/task_group.hpp>
#include <stdexcept>

namespace rivet::runtime {
namespace detail {

bool is_cancellation(const std::exception_ptr& error) noexcept {
    if (!error) return false;
    try {
        std::rethrow_exception(error);
    } catch (const timeout_error&) {
        return false;  // the child's own timeout expired: a failure
    } catch (const cancelled_error&) {
        return true;
    } catch (...) {
        return false;
    }
}

void group_state::child_finished(std::exception_ptr error) noexcept {
    bool first_failure = false;
    {
        std::lock_guard guard(lock);
        if (error && !failure) {
            failure = std::move(error);
            first_failure = true;
        }
        if (--live == 0 && waiting) {
            waiting = false;
            task_core::wake(waiter);
        }
    }
    // The calling child holds a reference: the state outlives this call.
    if (first_failure) cancel(node);
}

namespace {

// One wait for the group to empty. Not a cancellation point: the group must
// not be left while children run; a cancellation wakes it once, and
// task_group::wait() loops.
struct group_wait {
    group_state& s;
    bool suspended = false;

    bool await_ready() {
        std::lock_guard guard(s.lock);
        return s.live == 0;
    }
    bool await_suspend(std::coroutine_handle<> h) {
        task_core* t = current_task();
        std::lock_guard guard(s.lock);
        if (s.live == 0) return false;
        t->resume_point = h;
        s.waiter = t->ticket();
        s.waiting = true;
        suspended = true;
        return true;
    }
    bool await_resume() {
        std::lock_guard guard(s.lock);
        s.waiting = false;
        return s.live == 0;
    }
};

}  // namespace
}  // namespace detail

task_group::task_group() {
    detail::task_core* owner = detail::current_task();
    if (owner == nullptr) throw std::logic_error("rivet::task_group created outside a task");
    state_ = new detail::group_state;
    detail::link_cancel(state_->node, *owner->scope);
}

task_group::~task_group() {
    bool running;
    {
        std::lock_guard guard(state_->lock);
        running = state_->live > 0;
    }
    if (running) {
        detail::cancel(state_->node);
        // Children stay under the group's node, which lives as long as they
        // do; the subtree is cancelled, so nothing needs to reach it again.
        detail::detach_cancel(state_->node);
    } else {
        // Groups left behind by finished children hang here: they move up.
        detail::unlink_cancel(state_->node);
    }
    state_->release();
}

void task_group::adopt(detail::task_core& child) noexcept {
    {
        std::lock_guard guard(state_->lock);
        ++state_->live;
    }
    detail::link_cancel(child, state_->node);
    // The group exists only inside a task, so there is a runtime to start on.
    detail::start_spawned_on(*detail::current_scheduler(), &child);
    child.release();  // nobody joins a child directly: the group does
}

task<void> task_group::wait() {
    while (!co_await detail::group_wait{*state_}) {
    }
    std::exception_ptr failure;
    {
        std::lock_guard guard(state_->lock);
        failure = std::exchange(state_->failure, nullptr);
    }
    if (failure) std::rethrow_exception(failure);
    this_task::throw_if_cancelled();
}

std::size_t task_group::size() const noexcept {
    std::lock_guard guard(state_->lock);
    return state_->live;
}

}  // namespace rivet::runtime
