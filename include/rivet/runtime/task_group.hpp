// task_group: structured concurrency.
//
//     task_group group;
//     for (auto& url : urls) group.spawn(fetch, url);
//     co_await group.wait();     // every child has finished here
//
// Children are spawned tasks whose cancellation scope hangs under the
// group's, which hangs under the scope of the task that created the group:
// cancelling that task cancels the children. The first child to fail (with
// anything but cancelled_error) cancels its siblings, and wait() rethrows
// its exception once every child has finished. wait() always waits for all
// children, even when the waiting task is cancelled; it then throws
// cancelled_error.
//
// As with spawn, a child's callable and arguments are copied into its frame.
// They are destroyed with the frame, which may be just after wait() returns.
//
// Destroying a group that was not waited for (an exception unwinding the
// creating task) cancels the children and lets them finish on their own;
// the group's shared state lives until the last one has. A group holds
// 100,000 children as easily as ten: each costs one frame and O(1) work.
#pragma once

#include <atomic>
#include <concepts>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/detail/spawned.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <rivet/runtime/spawn.hpp>
#include <rivet/runtime/task.hpp>
#include <type_traits>
#include <utility>

namespace rivet::runtime {

namespace detail {

struct group_state {
    cancel_node node{node_kind::group};
    base::spinlock lock;  // guards the fields below
    std::size_t live = 0;
    std::exception_ptr failure;
    wait_ticket waiter;
    bool waiting = false;
    std::atomic<std::size_t> refs{1};

    void add_ref() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
    void release() noexcept {
        if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
    }
    /// Called by each child as it ends, with its failure (or null).
    void child_finished(std::exception_ptr error) noexcept;
};

/// A counted reference to a group's state, held by each child's frame.
class group_ref {
public:
    explicit group_ref(group_state* s) noexcept : state_(s) { state_->add_ref(); }
    group_ref(const group_ref& other) noexcept : group_ref(other.state_) {}
    group_ref& operator=(const group_ref&) = delete;
    ~group_ref() { state_->release(); }
    group_state* operator->() const noexcept { return state_; }

private:
    group_state* state_;
};

/// True when `error` is a cancelled_error (how siblings of a failure end:
/// not a failure of their own).
bool is_cancellation(const std::exception_ptr& error) noexcept;

/// A group's child: as it completes, after it has left the group's scope,
/// it is counted out (once the last one is, the group may be destroyed).
struct group_role {
    group_ref group;
    static const char* name() noexcept { return "group child"; }
    void finished(const std::exception_ptr& error) noexcept {
        group->child_finished(is_cancellation(error) ? nullptr : error);
    }
};

}  // namespace detail

class task_group {
public:
    /// Opens a group under the current task's scope; throws std::logic_error
    /// outside a task.
    task_group();
    /// Cancels children still running (see the header comment).
    ~task_group();
    task_group(const task_group&) = delete;
    task_group& operator=(const task_group&) = delete;

    /// Starts `fn(args...)` (which returns a task) as a child of the group.
    template <class Fn, class... Args>
    requires detail::spawnable<Fn, Args...>
    void spawn(Fn&& fn, Args&&... args) {
        using result = detail::spawn_result_t<std::decay_t<Fn>, std::decay_t<Args>...>;
        adopt(*new detail::spawned_call<result, detail::group_role, std::decay_t<Fn>,
                                        std::decay_t<Args>...>(
            detail::group_role{detail::group_ref(state_)}, std::forward<Fn>(fn),
            std::forward<Args>(args)...));
    }

    /// Suspends until every child has finished; rethrows the first failure,
    /// else throws cancelled_error if the waiting task was cancelled.
    [[nodiscard]] task<void> wait();

    /// Cancels every child (running or spawned later).
    void cancel() noexcept { detail::cancel(state_->node); }

    /// Children not finished yet (a snapshot).
    [[nodiscard]] std::size_t size() const noexcept;

private:
    void adopt(detail::task_core& child) noexcept;

    detail::group_state* state_;
};

}  // namespace rivet::runtime
