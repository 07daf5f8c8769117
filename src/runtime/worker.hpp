// A worker: one thread that runs tasks from its local queue, polls its own
// reactor and fires its own timers.
//
// Where a worker looks for its next task, in order:
//   1. every 61st task, the injection queue first, so tasks woken from
//      outside are not starved by a busy local queue;
//   2. the LIFO slot: the task most recently woken by this worker, run next
//      for cache locality; at most 3 times in a row, so a ping-pong pair
//      cannot starve the queue. Putting a task there wakes no other worker;
//      a thief takes it only from a worker stuck in one run (steal_into);
//   3. the local queue, then the injection queue;
//   4. half of another worker's queue when it holds two tasks or more; its
//      single queued task or its LIFO task only when it is stuck in one
//      run; searching for up to 50 µs before giving up;
//   5. nothing: poll the reactor and timers, then park in epoll_wait.
// A task gets a budget of 128 operations per run: I/O that completes without
// suspending spends one, and a task out of budget yields at its next I/O.
// Every 61 tasks it also polls the reactor without blocking and fires due
// timers, so I/O is served while the worker is busy.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "reactor.hpp"
#include "run_queue.hpp"
#include "task_registry.hpp"
#include "timer_heap.hpp"

namespace rivet::runtime::detail {

class scheduler;

class worker {
public:
    worker(scheduler& owner, unsigned index);
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;

    void start();
    void join();

    /// On this worker's thread: queues `t` to run here. `lifo` puts it in the
    /// LIFO slot (a task just woken); otherwise at the back of the queue.
    void push_local(task_core* t, bool lifo) noexcept;

    /// From a thief (another worker) in round `round` of its search: takes
    /// half of this worker's queue into the thief's own and returns one task
    /// to run, or null. A single queued task and the LIFO task are taken
    /// only when this worker is stuck in one run (stuck_in_run).
    task_core* steal_into(worker& thief, unsigned round) noexcept;

    /// Whether this worker has work another one should take: a backlog in
    /// its queue, or a LIFO task (which may be stranded behind a long run).
    [[nodiscard]] bool has_work_to_share() const noexcept {
        return queue_.size() >= 2 || lifo_.load(std::memory_order_relaxed) != nullptr;
    }

    [[nodiscard]] bool has_stealable_work() const noexcept {
        return !queue_.empty() || lifo_.load(std::memory_order_relaxed) != nullptr;
    }

    /// Wakes this worker if it is parked (or about to park); returns false
    /// when it was not, so the caller can try another.
    bool unpark() noexcept {
        if (!parked_.exchange(false, std::memory_order_acq_rel)) return false;
        reactor_.unpark();
        return true;
    }
    /// Cancels the task this worker is running, if it is in its first run
    /// (so in no registry yet). Called by cancel_all after it has marked
    /// every registry cancelled: a first run that starts later sees that.
    void cancel_running() noexcept;

    /// Wakes this worker whatever it is doing (shutdown).
    void force_unpark() noexcept { reactor_.unpark(); }

    reactor& io() noexcept { return reactor_; }
    task_registry& registry() noexcept { return registry_; }
    timer_heap& timers() noexcept { return timers_; }
    [[nodiscard]] unsigned index() const noexcept { return index_; }
    scheduler& owner() noexcept { return owner_; }

    // Counted by this worker only; read by shutdown (live tasks) and the stall monitor.
    std::atomic<std::uint64_t> spawned{0};
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> runs{0};
    std::atomic<const char*> running_name{nullptr};

    static worker* current() noexcept;

private:
    void run() noexcept;
    task_core* next_task() noexcept;
    task_core* pick_next() noexcept;
    task_core* take_injected() noexcept;
    task_core* steal(unsigned round) noexcept;
    /// True when this worker has not started a run for grace_rounds of
    /// `thief`'s search rounds (it is in one long run, or blocked in it).
    bool stuck_in_run(worker& thief, unsigned round) const noexcept;
    task_core* search() noexcept;
    void run_task(task_core* t) noexcept;
    void run_first(task_core* t) noexcept;
    /// Runs `t` until it suspends or finishes; true when it finished.
    bool resume(task_core* t) noexcept;
    /// After a run that did not finish `t`: requeues it (requeue_) if it was
    /// woken meanwhile, else leaves it idle until a wake.
    void end_run(task_core* t) noexcept;
    void complete_task(task_core* t) noexcept;
    void poll_io_and_timers(bool may_block) noexcept;
    void push_back(task_core* t) noexcept;

    static constexpr unsigned fairness_interval = 61;
    static constexpr unsigned max_lifo_streak = 3;
    // Operations a task may complete without suspending before it must yield
    // (Tokio's coop budget): a socket that is always ready cannot let one
    // task hold a worker forever.
    static constexpr unsigned budget_per_run = 128;
    static constexpr std::chrono::microseconds max_search{50};
    // A task just woken into a LIFO slot, or queued alone, is about to run:
    // the running task usually suspends or spends its budget within a
    // microsecond or two (128 channel operations). A thief that took it at
    // once split every pair of tasks that wake each other across two cores,
    // and every item then paid a cross-core wake. A search round is about
    // 2 µs on the 2-core test machine (32 pauses of about 30 ns, then the
    // steal attempts), so a thief waits 8-10 µs (measured): a few runs'
    // worth, where Go's thieves give a runnext task 3 µs.
    static constexpr unsigned grace_rounds = 4;

    // What a thief last saw of a victim: the victim's tick and the thief's
    // round when it first saw that tick.
    struct run_sighting {
        std::uint64_t tick = ~std::uint64_t{0};
        unsigned round = 0;
    };

    scheduler& owner_;
    unsigned index_;
    bool detect_stalls_;  // the scheduler's setting, read at every run
    run_queue queue_;
    std::atomic<task_core*> lifo_{nullptr};
    std::atomic<bool> parked_{false};
    // The task in its first run here, or null, and how many cancel_running
    // calls are looking at it: the worker waits for none before the task
    // can be freed. A Dekker handshake with asymmetric barriers: the worker's
    // side is free, cancel_running (shutdown only) pays a membarrier.
    std::atomic<task_core*> first_run_{nullptr};
    std::atomic<std::uint32_t> cancelling_{0};
    unsigned lifo_streak_ = 0;
    task_core* requeue_ = nullptr;  // woken during its run: queued by the next next_task
    // Counts next_task calls; written by this worker only, read by thieves
    // (an unchanged tick means one run is still going on).
    std::atomic<std::uint64_t> tick_{0};
    std::vector<run_sighting> sightings_;  // one per worker, reset by each search
    std::uint32_t steal_seed_;
    reactor reactor_;
    timer_heap timers_;
    task_registry registry_;
    std::thread thread_;
};

inline void bump(std::atomic<std::uint64_t>& single_writer_counter) noexcept {
    single_writer_counter.store(single_writer_counter.load(std::memory_order_relaxed) + 1,
                                std::memory_order_relaxed);
}

}  // namespace rivet::runtime::detail
