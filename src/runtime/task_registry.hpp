// Every spawned task that has suspended hangs, in the cancellation tree
// (task_core.hpp), under a registry or under a task_group's node, so that
// shutdown (and the first SIGINT/SIGTERM) can cancel them all by cancelling
// the registries. A registry is a root of that tree. Each worker has its own
// for the tasks spawned on it; tasks spawned from outside the runtime go to
// a shared one. A task's registry (its `home`) is chosen when it is spawned.
//
// Linking is lazy: a task joins its registry only when a run of it ends
// without finishing (it suspended or yielded). A task that finishes in its
// first run, the common case for short tasks, never takes a registry lock.
// Nothing is lost: cancellation finds such a task in one of three places.
// Not yet run: the worker about to run it reads `is_cancelled()` first.
// Running its first run: its worker publishes it (worker::cancel_running),
// and when it suspends it links, and link() cancels it then. Suspended: it
// is linked, and cancel_all() cancels the registry's subtree. A task_group's
// child hangs under the group's node from its spawn instead, which hangs
// under the task that made the group (or was cancelled with the group when
// the group went away first).
//
// Cost on the hot path. Linking and unlinking take a lock that the owner,
// the odd worker that ran a stolen task when it first suspended, and a rare
// shutdown sweep touch. A linked task that completes on another worker (it
// was stolen) is not unlinked there: it is pushed onto the registry's
// `remote_done` stack with one CAS, and the owner unlinks the whole stack in
// one pass (every few dozen tasks, and before parking). The pushed task
// keeps its scheduler reference until then, so its core, which holds the
// links, stays valid. A pusher that finds the stack deep wakes the owner if
// it is parked, so an idle owner does not hold finished tasks back. A task
// that was never linked is freed by whichever worker finishes it: the
// recycling allocator (frame_pool.hpp) takes blocks freed on any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/detail/task_core.hpp>

namespace rivet::runtime::detail {

class task_registry : public cancel_node {
public:
    /// A registry owned by a worker of `sched`; `wake_owner(owner)` unparks that worker.
    task_registry(scheduler& sched, void (*wake_owner)(void*), void* owner) noexcept
        : cancel_node(node_kind::registry),
          scheduler_(&sched),
          wake_owner_(wake_owner),
          owner_(owner) {}
    /// The shared registry of `sched` (tasks spawned from outside the runtime):
    /// tasks leave it directly, under its lock, from whichever worker finishes them.
    explicit task_registry(scheduler& sched) noexcept
        : cancel_node(node_kind::registry), scheduler_(&sched) {}
    task_registry(const task_registry&) = delete;
    task_registry& operator=(const task_registry&) = delete;
    ~task_registry() { reap_remote(); }

    /// True once cancel_all() was called: a task of this registry that was
    /// not linked yet must start cancelled.
    [[nodiscard]] bool is_cancelled() const noexcept {
        return cancelled.load(std::memory_order_relaxed);
    }

    /// Links a task of this registry whose run just ended unfinished (on the
    /// worker that ran it, while it is still `running`): cancels it if the
    /// registry was cancelled, which a suspended task would not notice.
    void link(task_core& t) noexcept {
        std::lock_guard guard(lock);
        t.parent.store(this, std::memory_order_relaxed);
        children.push_front(t);
        if (cancelled.load(std::memory_order_relaxed)) cancel(t);
    }

    /// The owner's path for a finished task: unlinks it and drops the
    /// scheduler's reference.
    void remove_local(task_core& t) noexcept {
        {
            std::lock_guard guard(lock);
            unlink(t);
        }
        t.release();
    }

    /// Any other thread's path for a finished task (see the header comment).
    void remove_remote(task_core& t) noexcept {
        if (wake_owner_ == nullptr) {
            remove_local(t);
            return;
        }
        // Nothing reachable from the stack may be read here: the owner can
        // reap (and free) it at any moment. Only `t` is ours until the CAS.
        task_core* head = remote_done_.load(std::memory_order_relaxed);
        do {
            t.next = head;  // a finished task is in no run queue: `next` is free
        } while (!remote_done_.compare_exchange_weak(head, &t, std::memory_order_release,
                                                     std::memory_order_relaxed));
        // Approximate depth: a heuristic bound on what the owner holds back.
        if (remote_count_.fetch_add(1, std::memory_order_relaxed) + 1 == max_remote_depth) {
            wake_owner_(owner_);
        }
    }

    /// Unlinks and releases every task pushed by remove_remote so far.
    void reap_remote() noexcept {
        if (remote_done_.load(std::memory_order_relaxed) == nullptr) return;
        task_core* chain = remote_done_.exchange(nullptr, std::memory_order_acquire);
        remote_count_.store(0, std::memory_order_relaxed);
        {
            std::lock_guard guard(lock);
            for (task_core* t = chain; t; t = t->next) unlink(*t);
        }
        while (chain) {
            task_core* next = chain->next;
            chain->release();
            chain = next;
        }
    }

    /// The scheduler whose tasks this registry holds.
    [[nodiscard]] scheduler& owner() const noexcept { return *scheduler_; }

    /// Cancels every task here and every task added from now on.
    void cancel_all() noexcept { cancel(*this); }

private:
    static constexpr std::uint32_t max_remote_depth = 128;

    // Under the lock. A finished task has no children left (it closed its
    // scopes and groups itself), so it simply leaves.
    static void unlink(task_core& t) noexcept {
        base::intrusive_hlist<cancel_node>::erase(t);
        t.parent.store(nullptr, std::memory_order_relaxed);
    }

    scheduler* scheduler_;
    void (*wake_owner_)(void*) = nullptr;
    void* owner_ = nullptr;
    alignas(64) std::atomic<task_core*> remote_done_{nullptr};
    std::atomic<std::uint32_t> remote_count_{0};
};

}  // namespace rivet::runtime::detail
