#include <mutex>
#include <rivet/runtime/detail/task_core.hpp>

#include "scheduler.hpp"
#include "worker.hpp"

namespace rivet::runtime::detail {

bool task_core::wake(const wait_ticket& ticket) noexcept {
    task_core* t = ticket.task;
    std::uint64_t st = t->state.load(std::memory_order_acquire);
    for (;;) {
        if ((st & ~(seq_one - 1)) != ticket.seq) return false;  // stale
        std::uint64_t status = st & status_mask;
        if (status == idle) {
            if (t->state.compare_exchange_weak(st, (st & ~status_mask) | scheduled,
                                               std::memory_order_acq_rel)) {
                schedule(t);
                return true;
            }
        } else if (status == running && !(st & notified)) {
            if (t->state.compare_exchange_weak(st, st | notified, std::memory_order_acq_rel)) {
                return true;
            }
        } else {
            return false;  // already scheduled, or already notified
        }
    }
}

void task_core::wake_current() noexcept {
    wake({this, state.load(std::memory_order_acquire) & ~(seq_one - 1)});
}

void link_cancel(cancel_node& child, cancel_node& parent) noexcept {
    std::lock_guard lock(parent.lock);
    child.parent.store(&parent, std::memory_order_relaxed);
    parent.children.push_front(child);
    if (parent.cancelled.load(std::memory_order_relaxed)) {
        child.cancelled.store(true, std::memory_order_relaxed);
    }
}

namespace {

// Locks `node`, then its parent if it has one (returned, locked too). The
// usual order is parent before child (cancel() takes them so), hence the
// parent is only tried. Holding the node's lock is what keeps the parent
// alive: a parent hands its children up under each child's lock before it
// can go away (unlink_cancel), so it cannot leave while we hold ours.
cancel_node* lock_with_parent(cancel_node& node) noexcept {
    for (;;) {
        node.lock.lock();
        cancel_node* parent = node.parent.load(std::memory_order_acquire);
        if (parent == nullptr || parent->lock.try_lock()) return parent;
        node.lock.unlock();
        base::cpu_relax();
    }
}

}  // namespace

void detach_cancel(cancel_node& node) noexcept {
    cancel_node* parent = lock_with_parent(node);
    if (parent != nullptr) {
        base::intrusive_hlist<cancel_node>::erase(node);
        node.parent.store(nullptr, std::memory_order_relaxed);
        parent->lock.unlock();
    }
    node.lock.unlock();
}

void unlink_cancel(cancel_node& node) noexcept {
    // Orphans move up (a root's become roots), each under its own lock: a
    // child unlinking itself meanwhile then sees its new parent.
    cancel_node* parent = lock_with_parent(node);
    node.children.for_each([parent](cancel_node& c) {
        std::lock_guard child_lock(c.lock);
        c.parent.store(parent, std::memory_order_release);
    });
    if (parent != nullptr) {
        parent->children.splice_front(node.children);
        base::intrusive_hlist<cancel_node>::erase(node);
        node.parent.store(nullptr, std::memory_order_relaxed);
        parent->lock.unlock();
    } else {
        while (node.children.pop_front() != nullptr) {
        }
    }
    node.lock.unlock();
}

void cancel(cancel_node& node) noexcept {
    if (node.cancelled.exchange(true, std::memory_order_acq_rel)) return;
    {
        // Children first: once woken, the node's task may finish and unlink,
        // handing its children to its parent before we reach them.
        std::lock_guard lock(node.lock);
        node.children.for_each([](cancel_node& c) { cancel(c); });
    }
    // The task is alive here: the caller holds the parent's lock (so the task
    // cannot unlink and finish) or a reference to it (join_handle, scope owner).
    if (node.kind == node_kind::task) {
        static_cast<task_core&>(node).wake_current();
    } else if (node.kind == node_kind::scope) {
        static_cast<scope_node&>(node).task->wake_current();
    }
}

}  // namespace rivet::runtime::detail
