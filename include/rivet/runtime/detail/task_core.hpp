// task_core: what the scheduler knows about a spawned task.
//
// A spawned task is the unit of scheduling; every task<T> it awaits runs
// inside it. The core is the start of the task's root (spawned.hpp), which
// is allocated beside the task's coroutine frame, and is reference counted:
// one reference for the scheduler until the task has finished and left its
// registry, one for its join_handle.
//
// Wake protocol. The state word holds a status, a `notified` bit and a run
// sequence number that grows each time the task starts running. A task runs
// until it suspends once; anything registered to wake it during that run
// holds a wait_ticket with that run's sequence number. A wake with a stale
// ticket is ignored, so a task is resumed only by a wake meant for its
// current suspension:
//
//   idle(s)      --wake(s)--> scheduled(s), pushed on a run queue
//   running(s)   --wake(s)--> running(s) + notified: re-queued when the run ends
//   scheduled(s) --run------> running(s+1)
//
// A waker and a waiter that gives up (cancelled, timed out) race for the same
// registration; they settle it under the lock of the structure the waiter is
// registered in, and the waker wakes while holding it. The waiter's core is
// therefore alive during the wake, and a waiter that finds its registration
// already taken knows a wake is coming, so it suspends (or resumes at once,
// if it is still running) rather than leaving.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <rivet/base/intrusive_hlist.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/detail/local_binding.hpp>

namespace rivet::runtime::detail {

class scheduler;
class task_core;
class task_registry;

/// What a node of the cancellation tree stands for.
enum class node_kind : std::uint8_t {
    task,      // a spawned task (task_core): woken when cancelled
    scope,     // a with_timeout scope (scope_node): wakes the task that opened it
    group,     // a task_group: its children hang under it
    registry,  // a registry of tasks (src/runtime/task_registry.hpp): a root
};

/// A node of the cancellation tree. Each spawned task is one; a with_timeout
/// or a task_group opens a child node under the task's innermost scope, and a
/// task_group's children hang under the group's node. Other tasks hang under
/// their registry once they have suspended, so that shutdown reaches every
/// task from the registries. Cancelling a node cancels its subtree and wakes
/// each task suspended in it. Checking is one relaxed load of the innermost
/// scope's flag.
///
/// Small on purpose (a task is one): a one-pointer child list, and the
/// derived class's one-byte fields fill the padding after `kind`.
struct cancel_node : base::hlist_hook {
    std::atomic<cancel_node*> parent{nullptr};
    base::intrusive_hlist<cancel_node> children;  // guarded by `lock`
    std::atomic<bool> cancelled{false};
    base::spinlock lock;
    const node_kind kind;

    explicit cancel_node(node_kind k) noexcept : kind(k) {}
    cancel_node(const cancel_node&) = delete;
    cancel_node& operator=(const cancel_node&) = delete;
};

/// A with_timeout scope: wakes the task that opened it.
struct scope_node : cancel_node {
    task_core* const task;

    explicit scope_node(task_core* opener) noexcept : cancel_node(node_kind::scope), task(opener) {}
};

/// Links `child` under `parent`; a child of a cancelled parent starts cancelled.
void link_cancel(cancel_node& child, cancel_node& parent) noexcept;
/// Unlinks `node`; its children move to its parent, so they stay cancellable.
///
/// Both unlinking calls are safe while the parent unlinks itself and goes
/// away on another thread: a parent hands its children up under each
/// child's lock, and the calls hold the node's own lock before they try the
/// parent's, so the parent they lock is still there.
void unlink_cancel(cancel_node& node) noexcept;
/// Unlinks `node` from its parent, keeping its children under it.
void detach_cancel(cancel_node& node) noexcept;
/// Cancels `node` and its subtree, waking the tasks suspended in it.
void cancel(cancel_node& node) noexcept;

/// What every spawned task's result starts with, whatever its type.
struct task_result_base {
    std::exception_ptr error;  // what the task ended with, or null
};

struct wait_ticket {
    task_core* task = nullptr;
    std::uint64_t seq = 0;
};

/// A spawned task: a node of the cancellation tree (see cancel_node), and
/// what the scheduler runs.
class task_core : public cancel_node {
public:
    static constexpr std::uint64_t idle = 0;
    static constexpr std::uint64_t scheduled = 1;
    static constexpr std::uint64_t running = 2;
    static constexpr std::uint64_t status_mask = 3;
    static constexpr std::uint64_t notified = 4;
    static constexpr std::uint64_t seq_one = 8;

    /// Resumes the task for the wait `ticket` describes; a stale ticket does
    /// nothing. Returns true when this call made the task runnable.
    static bool wake(const wait_ticket& ticket) noexcept;
    /// Wakes the task from whatever it is suspended on now (used by cancellation).
    void wake_current() noexcept;

    /// The ticket for a wait that starts in the current run.
    [[nodiscard]] wait_ticket ticket() noexcept {
        return {this, state.load(std::memory_order_relaxed) & ~(seq_one - 1)};
    }

    /// Running only: invalidates every ticket of the current run and drops a
    /// pending `notified`. Used when a cancellation scope closes, so a cancel
    /// aimed at the closed scope cannot resume the task at a later wait.
    void renew_tickets() noexcept {
        std::uint64_t st = state.load(std::memory_order_relaxed);
        while (!state.compare_exchange_weak(st, (st & ~notified) + seq_one,
                                            std::memory_order_acq_rel)) {
        }
    }

    /// True when the innermost cancellation scope of this task is cancelled.
    [[nodiscard]] bool is_cancelled() const noexcept {
        return scope->cancelled.load(std::memory_order_relaxed);
    }

    task_core() noexcept : cancel_node(node_kind::task) {}
    task_core(const task_core&) = delete;
    task_core& operator=(const task_core&) = delete;
    ~task_core() {
        if (locals) locals->release();
    }

    void add_ref() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
    void release() noexcept {
        if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) vtbl->destroy(this);
    }

    /// What differs between spawned coroutine types.
    struct vtable {
        void (*destroy)(task_core*) noexcept;  // frees the root (and an unstarted coroutine)
        // Where the result waits: a task_result<T> for the task's T.
        task_result_base* (*result)(task_core*) noexcept;
        void (*finish)(task_core*) noexcept;  // runs as the task completes
        // Creates the task's coroutine on its first run (null: created at
        // spawn); false when creating it threw (the task then completes).
        bool (*start)(task_core*) noexcept;
        const char* (*name)(const task_core*) noexcept;
    };

    /// What the task ended with, or null; only once it has finished.
    [[nodiscard]] const std::exception_ptr& error() noexcept { return vtbl->result(this)->error; }

    /// The task's name (as given to spawn_named, else "task", "group child", "main").
    [[nodiscard]] const char* name() const noexcept { return vtbl->name(this); }

    // Fields are ordered to leave no padding: a task costs its core, its
    // callable and the frames it suspends in, and a burst of spawns holds
    // a million cores at once. The one-byte fields first, in the end of the
    // cancel_node.

    // Joining: `complete` is written under join_lock; a thread outside the
    // runtime (block_on) may also wait on it directly. `joiner` (below) is
    // the ticket of a task awaiting the join, if any: it lives in that
    // task's awaiter, which unregisters it (under join_lock) before going away.
    std::atomic<std::uint8_t> refs{2};  // the scheduler's and the join_handle's: no more
    base::spinlock join_lock;
    std::atomic<bool> complete{false};
    bool blocking_joiner = false;  // someone waits on `complete` with atomic::wait
    bool detached = false;         // nobody will join: the runtime reports a failure

    // Scheduling.
    std::atomic<std::uint64_t> state{scheduled};
    task_core* next = nullptr;  // link in the injection queue, or a registry's remote_done
    // Where the task goes on: the innermost suspended coroutine. Null until
    // the coroutine exists (vtbl->start creates it on the first run); when
    // the outermost coroutine finishes, its frame (done()).
    std::coroutine_handle<> resume_point;
    // Its registry (see src/runtime/task_registry.hpp), which also says
    // which scheduler runs it: set when the task is spawned.
    task_registry* home = nullptr;
    const vtable* vtbl = nullptr;
    // The task's task_local bindings (one reference, or null): set from the
    // spawner's context when the task starts, replaced by bind() and its
    // scopes, released with the core. See <rivet/runtime/task_local.hpp>.
    local_binding* locals = nullptr;

    // Cancellation: the innermost open scope (the task itself when none is).
    cancel_node* scope = this;

    const wait_ticket* joiner = nullptr;
};

static_assert(sizeof(void*) != 8 || sizeof(task_core) == 104,
              "the one-byte fields of task_core no longer fill cancel_node's padding");

/// The spawned task running on this thread, or null outside any task (set
/// by the worker around each run). Visible here so that current_task()
/// inlines: a cancellation check is this load and two more.
extern constinit thread_local task_core* running_task;

/// The spawned task running on this thread, or null outside any task.
inline task_core* current_task() noexcept { return running_task; }

/// What the running task may still do before it yields (set at each run;
/// zero outside tasks). Visible here so that spend_budget() inlines: it
/// runs once per channel or socket operation that completes at once.
extern constinit thread_local unsigned run_budget;

/// Spends one unit of the running task's budget; false when it is used up
/// (the task should yield: see detail::budget below).
inline bool spend_budget() noexcept {
    if (run_budget == 0) return false;
    --run_budget;
    return true;
}

/// Awaited before an operation that may complete without suspending: passes
/// while the task has budget left, else yields (requeues the task) first.
struct budget {
    bool await_ready() const noexcept { return current_task() == nullptr || spend_budget(); }
    void await_suspend(std::coroutine_handle<> h) const noexcept {
        task_core* t = current_task();
        t->resume_point = h;
        t->wake_current();  // `notified`: requeued at the back once this run ends
    }
    void await_resume() const noexcept {}
};

/// The scheduler that runs `task` (a spawned task).
scheduler& owner_of(const task_core& task) noexcept;

/// Puts a runnable task on a run queue of its scheduler.
void schedule(task_core* task) noexcept;

/// Reports that a detached task ended with an exception.
void report_detached_failure(task_core* task) noexcept;

/// The scheduler of the task or worker running on this thread, or null.
scheduler* current_scheduler() noexcept;

}  // namespace rivet::runtime::detail
