#include "worker.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <rivet/base/atomic.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/runtime/detail/spawned.hpp>
#include <string>
#include <utility>

#include "scheduler.hpp"

namespace rivet::runtime::detail {
namespace {

thread_local worker* this_worker = nullptr;

}  // namespace

constinit thread_local task_core* running_task = nullptr;
constinit thread_local unsigned run_budget = 0;

scheduler* current_scheduler() noexcept {
    if (running_task) return &owner_of(*running_task);
    return this_worker ? &this_worker->owner() : nullptr;
}

worker* worker::current() noexcept { return this_worker; }

scheduler& owner_of(const task_core& t) noexcept { return t.home->owner(); }

namespace {

/// The message of `error` for a report, or empty for a cancellation.
std::string describe_failure(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const timeout_error& e) {
        return e.what();  // its own timeout expired: a failure
    } catch (const cancelled_error&) {
        return {};  // being cancelled is not a failure worth reporting
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "an exception not derived from std::exception";
    }
}

}  // namespace

void report_detached_failure(task_core* t) noexcept {
    const std::exception_ptr& error = t->error();
    if (!error) return;
    try {
        std::string message = describe_failure(error);
        if (message.empty()) return;
        owner_of(*t).report("rivet: detached task '" + std::string(t->name()) +
                            "' ended with an exception: " + message);
    } catch (...) {
        // Reporting must not take the worker down; the report is lost.
    }
}

void schedule(task_core* t) noexcept {
    worker* w = this_worker;
    scheduler& owner = owner_of(*t);
    if (w != nullptr && &w->owner() == &owner) {
        w->push_local(t, /*lifo=*/true);
    } else {
        owner.schedule_remote(t);
    }
}

worker::worker(scheduler& owner, unsigned index)
    : owner_(owner),
      index_(index),
      detect_stalls_(owner.config().detect_stalls),
      steal_seed_(index * 2654435761u + 1),
      registry_(
          owner, [](void* self) { static_cast<worker*>(self)->unpark(); }, this) {}

void worker::start() {
    sightings_.resize(owner_.workers().size());
    thread_ = std::thread([this] { run(); });
}

void worker::join() {
    if (thread_.joinable()) thread_.join();
}

void worker::push_back(task_core* t) noexcept {
    if (queue_.try_push(t)) return;
    task_core* first = nullptr;
    task_core* last = nullptr;
    std::uint32_t n = queue_.take_half_for_overflow(first, last);
    if (n > 0) owner_.injected().push_chain(first, last, n);
    if (!queue_.try_push(t)) owner_.injected().push(t);
}

void worker::push_local(task_core* t, bool lifo) noexcept {
    if (lifo) {
        // This worker is awake and runs the task next: waking another one to
        // take it is no bid for parallelism, only a cross-core wake (and,
        // when the two tasks wake each other, a pair split across cores for
        // every item). Tokio found the same and stopped notifying here.
        task_core* displaced = lifo_.exchange(t, std::memory_order_acq_rel);
        if (displaced == nullptr) return;
        t = displaced;
    }
    push_back(t);  // an overflow to the injection queue is still ours to run
    owner_.notify_one(/*strict=*/false);
}

task_core* worker::steal_into(worker& thief, unsigned round) noexcept {
    std::uint32_t queued = queue_.size();
    if (queued >= 2) return queue_.steal_half_into(thief.queue_);  // a backlog: balance it
    // A single queued task, or the LIFO task, is this worker's next one:
    // taking it moves no backlog, it only splits two tasks that take turns
    // here (a producer and a consumer that share a worker and so never
    // wait), so it is taken only from a worker stuck in one run. Without
    // that, the LIFO task would wait for the run to end.
    if (queued == 0 && lifo_.load(std::memory_order_relaxed) == nullptr) return nullptr;
    if (!stuck_in_run(thief, round)) return nullptr;
    if (task_core* t = queue_.steal_half_into(thief.queue_)) return t;
    return lifo_.exchange(nullptr, std::memory_order_acq_rel);
}

bool worker::stuck_in_run(worker& thief, unsigned round) const noexcept {
    run_sighting& seen = thief.sightings_[index_];
    std::uint64_t tick = tick_.load(std::memory_order_relaxed);
    if (seen.tick == tick) {
        if (round - seen.round < grace_rounds) return false;
        // This worker may be stuck only because the thief holds its core
        // (more runnable threads than cores): then it is the thief that
        // should step aside, as Go's thieves do before taking a runnext.
        sched_yield();
        tick = tick_.load(std::memory_order_relaxed);
        if (seen.tick == tick) return true;
    }
    seen = {tick, round};
    return false;
}

task_core* worker::next_task() noexcept {
    task_core* t = pick_next();
    // A task requeued by its last run goes behind the others only now, after
    // the next one has left the queue: pushed first, it made a queue of one
    // look like a backlog of two to a thief (see steal_into) for a moment.
    if (requeue_ == nullptr) [[likely]]
        return t;
    task_core* requeued = std::exchange(requeue_, nullptr);
    if (t == nullptr) return requeued;
    push_back(requeued);
    return t;
}

task_core* worker::pick_next() noexcept {
    std::uint64_t tick = tick_.load(std::memory_order_relaxed) + 1;
    tick_.store(tick, std::memory_order_relaxed);
    if (tick % fairness_interval == 0) {
        if (task_core* t = owner_.injected().pop()) return t;
    }
    if (lifo_.load(std::memory_order_relaxed) != nullptr) {
        task_core* t = lifo_.exchange(nullptr, std::memory_order_acq_rel);
        if (t != nullptr) {
            if (lifo_streak_ < max_lifo_streak) {
                ++lifo_streak_;
                return t;
            }
            push_back(t);  // capped: the LIFO task waits its turn like the others
        }
    }
    lifo_streak_ = 0;
    if (task_core* t = queue_.pop()) return t;
    return take_injected();
}

task_core* worker::take_injected() noexcept {
    // A batch at a time (Go's globrunqget): a burst spawned from outside, or
    // a local queue's overflow, costs one lock per batch rather than per
    // task. Half the local queue at most, leaving room for what the batch spawns.
    // The rest of the batch goes to the local queue in one publication; it
    // fits, since thieves only ever make room.
    std::uint32_t room = run_queue::capacity - queue_.size();
    bool gave_back;
    task_core* t =
        owner_.injected().pop_chain(std::min(run_queue::capacity / 2, room + 1), gave_back);
    if (t == nullptr) return nullptr;
    if (gave_back) owner_.notify_one(/*strict=*/true);
    if (t->next != nullptr) queue_.push_chain(t->next);
    t->next = nullptr;
    return t;
}

task_core* worker::search() noexcept {
    // Spin briefly before parking (as Go's spinning Ms do): work often shows
    // up within microseconds, and while a worker is searching, others skip
    // the wake-up syscall on every push. Bounded, so an idle runtime parks;
    // pointless with a single worker, which has nobody to steal from.
    if (owner_.workers().size() == 1) return nullptr;
    auto give_up = clock::now() + max_search;
    for (run_sighting& s : sightings_) s = {};
    for (unsigned round = 1;; ++round) {
        if (task_core* t = steal(round)) return t;
        if (!owner_.injected().empty() || owner_.stopping()) return nullptr;
        if (round % 16 == 0) {
            // Our own sockets and timers must not wait for the spin to end.
            poll_io_and_timers(false);
            if (has_stealable_work() || clock::now() > give_up) return nullptr;
            // When this core is shared (more runnable threads than cores,
            // another worker among them), the spin would hold up the very
            // worker whose work it waits to steal: traced on this machine,
            // a producer and a consumer on two workers sharing one core took
            // turns, each waiting out the other's 50 µs search.
            sched_yield();
        }
        for (int i = 0; i < 32; ++i) base::cpu_relax();
    }
}

task_core* worker::steal(unsigned round) noexcept {
    auto& all = owner_.workers();
    std::size_t n = all.size();
    if (n <= 1) return nullptr;
    steal_seed_ = steal_seed_ * 1664525u + 1013904223u;
    std::size_t start = steal_seed_ % n;
    for (std::size_t i = 0; i < n; ++i) {
        worker& victim = *all[(start + i) % n];
        if (&victim == this) continue;
        if (task_core* t = victim.steal_into(*this, round)) return t;
    }
    return take_injected();
}

void worker::run_task(task_core* t) noexcept {
    // scheduled(s) -> running(s+1): wakers leave a scheduled task alone, so a
    // plain store cannot lose a concurrent transition.
    std::uint64_t st = t->state.load(std::memory_order_acquire);
    t->state.store(((st & ~(task_core::seq_one - 1)) + task_core::seq_one) | task_core::running,
                   std::memory_order_release);
    if (detect_stalls_) {
        running_name.store(t->name(), std::memory_order_relaxed);
        bump(runs);
    }
    if (t->parent.load(std::memory_order_relaxed) == nullptr) {
        run_first(t);  // in no registry (nor group) yet
        return;
    }
    if (resume(t)) {
        complete_task(t);
    } else {
        end_run(t);
    }
}

void worker::run_first(task_core* t) noexcept {
    // In no registry yet: cancel_all reaches it here (see cancel_running).
    first_run_.store(t, std::memory_order_relaxed);
    base::light_barrier(first_run_);
    if (t->home->is_cancelled()) t->cancelled.store(true, std::memory_order_relaxed);
    bool done = resume(t);
    if (!done) t->home->link(*t);  // see task_registry.hpp
    first_run_.store(nullptr, std::memory_order_relaxed);
    base::light_barrier(first_run_);
    while (cancelling_.load(std::memory_order_acquire) != 0) base::cpu_relax();
    if (done) {
        complete_task(t);
    } else {
        end_run(t);
    }
}

bool worker::resume(task_core* t) noexcept {
    running_task = t;
    run_budget = budget_per_run;
    // The coroutine is created on the first run; a failure to create it ends the task.
    bool started = t->resume_point || t->vtbl->start(t);
    if (started) t->resume_point.resume();
    running_task = nullptr;
    if (detect_stalls_) running_name.store(nullptr, std::memory_order_relaxed);
    return !started || t->resume_point.done();
}

void worker::end_run(task_core* t) noexcept {
    std::uint64_t st = t->state.load(std::memory_order_acquire);
    for (;;) {
        if (st & task_core::notified) {
            // Woken while it ran: it goes to the back of the queue, as a yield
            // (once the next task is chosen, see next_task).
            t->state.store(
                (st & ~(task_core::status_mask | task_core::notified)) | task_core::scheduled,
                std::memory_order_release);
            requeue_ = t;
            return;
        }
        if (t->state.compare_exchange_weak(st, (st & ~task_core::status_mask) | task_core::idle,
                                           std::memory_order_acq_rel)) {
            return;
        }
    }
}

void worker::complete_task(task_core* t) noexcept {
    // The task hangs under its registry (it suspended once), under a
    // task_group's node (a group's child), or nowhere (it finished in its
    // first run). A group's child leaves the group's node before the group
    // counts it out (finish); a task left in its registry is unlinked there
    // later, in a batch. Groups it made and that outlive it (held
    // elsewhere) still hang under it: they move up, to its registry if it
    // has no parent, so that shutdown still reaches them. Only the task
    // itself adds children to its node, so reading them needs no lock.
    cancel_node* parent = t->parent.load(std::memory_order_acquire);
    if (!t->children.empty()) {
        if (parent == nullptr) t->home->link(*t);
        unlink_cancel(*t);
        parent = nullptr;
    } else if (parent != nullptr && parent->kind != node_kind::registry) {
        unlink_cancel(*t);
        parent = nullptr;
    }
    auto* registry = static_cast<task_registry*>(parent);  // the one it is still in, if any
    t->vtbl->finish(t);
    // Counted before a joiner can see the task complete, so whoever joined it
    // never sees it among the live tasks.
    bump(completed);
    bool notify_blocking;
    bool detached;
    {
        std::lock_guard lock(t->join_lock);
        t->complete.store(true, std::memory_order_release);
        if (t->joiner != nullptr) task_core::wake(*t->joiner);
        notify_blocking = t->blocking_joiner;
        detached = t->detached;
    }
    if (detached && t->error()) report_detached_failure(t);
    // Still holding the scheduler's reference, so the core outlives the notify.
    if (notify_blocking) t->complete.notify_all();
    if (registry == nullptr) {
        t->release();
    } else if (registry == &registry_) {
        registry_.remove_local(*t);
    } else {
        registry->remove_remote(*t);
    }
}

void worker::cancel_running() noexcept {
    cancelling_.fetch_add(1, std::memory_order_acq_rel);
    base::heavy_barrier(first_run_);
    // Either the worker sees `cancelling_` and keeps the task alive until we
    // are done, or we see null here: its first run is over (and it is linked
    // or finished).
    if (task_core* t = first_run_.load(std::memory_order_acquire)) cancel(*t);
    cancelling_.fetch_sub(1, std::memory_order_release);
}

void worker::poll_io_and_timers(bool may_block) noexcept {
    int timeout_ms = 0;
    if (may_block) {
        timeout_ms = -1;
        if (auto deadline = timers_.next_deadline()) {
            auto now = clock::now();
            if (*deadline <= now) {
                timeout_ms = 0;
            } else {
                auto wait = std::chrono::ceil<std::chrono::milliseconds>(*deadline - now);
                timeout_ms = static_cast<int>(std::min<long long>(wait.count(), 1 << 30));
            }
        }
    }
    reactor_.poll(timeout_ms);
    timers_.fire_expired(clock::now());
}

void worker::run() noexcept {
    this_worker = this;
    std::string name = "rivet-w" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.c_str());

    while (!owner_.stopping()) {
        if (task_core* t = next_task()) {
            run_task(t);
            if (tick_.load(std::memory_order_relaxed) % fairness_interval == 0) {
                poll_io_and_timers(false);
                registry_.reap_remote();
            }
            continue;
        }
        poll_io_and_timers(false);
        registry_.reap_remote();
        if (has_stealable_work()) continue;

        owner_.searching.fetch_add(1, std::memory_order_seq_cst);
        task_core* stolen = search();
        // The last searcher to find work wakes another, so stealing fans out.
        if (owner_.searching.fetch_sub(1, std::memory_order_seq_cst) == 1 && stolen) {
            owner_.notify_one(/*strict=*/false);
        }
        if (stolen) {
            run_task(stolen);
            continue;
        }

        // Park: announce idleness, look once more, then block in epoll_wait.
        parked_.store(true, std::memory_order_seq_cst);
        owner_.idle.fetch_add(1, std::memory_order_seq_cst);
        base::store_load_barrier(owner_.idle);
        bool work_appeared = !owner_.injected().empty() || owner_.stopping();
        for (auto& w : owner_.workers()) {
            // Another worker's single queued task is its own next one (see
            // steal_into): it does not keep this worker awake.
            work_appeared =
                work_appeared || (w.get() == this ? has_stealable_work() : w->has_work_to_share());
        }
        if (!work_appeared) poll_io_and_timers(true);
        owner_.idle.fetch_sub(1, std::memory_order_seq_cst);
        parked_.store(false, std::memory_order_relaxed);
    }
    this_worker = nullptr;
}

}  // namespace rivet::runtime::detail
