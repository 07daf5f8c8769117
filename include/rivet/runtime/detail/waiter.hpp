// A task waiting in a synchronisation primitive's FIFO list. The node lives
// in the awaiter, inside the waiting coroutine's frame; the primitive links
// it under its lock and wakes it while still holding that lock (see the wake
// protocol in task_core.hpp), so the node is alive whenever it is touched.
#pragma once

#include <coroutine>
#include <cstddef>
#include <rivet/base/intrusive_list.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <stdexcept>

namespace rivet::runtime::detail {

struct waiter : base::list_hook {
    wait_ticket ticket;

    /// Prepares to suspend the current task at `h`; throws outside a task.
    void prepare(std::coroutine_handle<> h) {
        task_core* t = current_task();
        if (t == nullptr) throw std::logic_error("rivet: awaited outside a runtime task");
        t->resume_point = h;
        ticket = t->ticket();
    }

    /// Wakes the waiting task; call with the list's lock held, after
    /// unlinking the node (a woken waiter that finds itself still linked
    /// was woken by a cancellation).
    void wake() const noexcept { task_core::wake(ticket); }
};

}  // namespace rivet::runtime::detail
