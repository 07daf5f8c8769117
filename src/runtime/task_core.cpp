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

void detach_cancel(cancel_node& node) noexcept {
    for (;;) {
        cancel_node* parent = node.parent.load(std::memory_order_acquire);
        if (parent == nullptr) return;
        std::lock_guard parent_lock(parent->lock);
        // The parent may have gone away meanwhile and handed the node to its
        // own parent (unlink_cancel): erasing under the old parent's lock
        // would edit the new parent's list unguarded.
        if (node.parent.load(std::memory_order_relaxed) != parent) continue;
        base::intrusive_hlist<cancel_node>::erase(node);
        node.parent.store(nullptr, std::memory_order_relaxed);
        return;
    }
}

void unlink_cancel(cancel_node& node) noexcept {
    for (;;) {
        cancel_node* parent = node.parent.load(std::memory_order_acquire);
        if (parent == nullptr) {
            // A root going away: its children become roots of their own.
            std::lock_guard node_lock(node.lock);
            while (cancel_node* c = node.children.pop_front()) {
                c->parent.store(nullptr, std::memory_order_release);
            }
            return;
        }
        std::lock_guard parent_lock(parent->lock);
        if (node.parent.load(std::memory_order_relaxed) != parent) continue;  // re-parented
        {
            // Locks go parent before child, as in cancel(); orphans move up.
            std::lock_guard node_lock(node.lock);
            node.children.for_each(
                [parent](cancel_node& c) { c.parent.store(parent, std::memory_order_release); });
            parent->children.splice_front(node.children);
        }
        base::intrusive_hlist<cancel_node>::erase(node);
        node.parent.store(nullptr, std::memory_order_relaxed);
        return;
    }
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
