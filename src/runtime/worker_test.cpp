// Where the workers run tasks: two tasks that wake each other stay on one
// worker, and work queued on a worker stuck in a long run is still taken.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/semaphore.hpp>
#include <rivet/runtime/time.hpp>
#include <thread>
#include <vector>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

rt::runtime_config two_workers() { return {.workers = 2, .detect_stalls = false}; }

struct ping_pong {
    static constexpr int rounds = 200000;
    rt::semaphore to_a{0};
    rt::semaphore to_b{0};
    std::vector<std::thread::id> a_ran_on = std::vector<std::thread::id>(rounds);
    std::vector<std::thread::id> b_ran_on = std::vector<std::thread::id>(rounds);
};

rt::task<void> ping(std::shared_ptr<ping_pong> s) {
    for (int i = 0; i < ping_pong::rounds; ++i) {
        s->a_ran_on[i] = std::this_thread::get_id();
        s->to_b.release();
        co_await s->to_a.acquire();
    }
}

rt::task<void> pong(std::shared_ptr<ping_pong> s) {
    for (int i = 0; i < ping_pong::rounds; ++i) {
        co_await s->to_b.acquire();
        s->b_ran_on[i] = std::this_thread::get_id();
        s->to_a.release();
    }
}

TEST(worker, two_tasks_that_wake_each_other_share_a_worker) {
    // Each release puts the other task in the LIFO slot of the releasing
    // task's worker, which runs it as soon as the releaser waits. Waking the
    // idle worker to steal it would split the pair, and every round trip
    // would then cross cores (a thread switch per wake); the pair may start
    // split (spawning wakes the idle worker), but the first wake joins it.
    auto s = std::make_shared<ping_pong>();
    auto main = [](std::shared_ptr<ping_pong> s) -> rt::task<void> {
        auto b = rt::spawn(pong, s);
        auto a = rt::spawn(ping, s);
        co_await a;
        co_await b;
    };
    rt::block_on(main(s), two_workers());
    int together = 0;
    constexpr int from = ping_pong::rounds / 2;  // after any start-up shuffle
    for (int i = from; i < ping_pong::rounds; ++i) together += s->a_ran_on[i] == s->b_ran_on[i];
    EXPECT_GE(together, (ping_pong::rounds - from) * 98 / 100);
}

struct taking_turns {
    static constexpr int rounds = 200000;
    static constexpr int turns_per_wait = 64;
    std::vector<std::thread::id> a_ran_on = std::vector<std::thread::id>(rounds);
    std::vector<std::thread::id> b_ran_on = std::vector<std::thread::id>(rounds);
    rt::semaphore to_a{0};
    rt::semaphore to_b{0};
    std::atomic<bool> a_started{false};
    std::atomic<std::thread::id> ticker_ran_on{};
    std::atomic<bool> done{false};
};

/// Yields to the other task, and every turns_per_wait rounds waits for it
/// (as a consumer that finds its channel empty does): the wait brings the
/// two together again if anything split them.
rt::task<void> take_turns(std::shared_ptr<taking_turns> s, bool is_a) {
    auto& ran_on = is_a ? s->a_ran_on : s->b_ran_on;
    for (int i = 0; i < taking_turns::rounds; ++i) {
        ran_on[i] = std::this_thread::get_id();
        if (i % taking_turns::turns_per_wait != taking_turns::turns_per_wait - 1) {
            co_await rt::this_task::yield();
        } else if (is_a) {
            s->to_b.release();
            co_await s->to_a.acquire();
        } else {
            co_await s->to_b.acquire();
            s->to_a.release();
        }
    }
}

TEST(worker, a_busy_workers_single_queued_task_is_not_stolen) {
    // Two tasks take turns on one worker, each yielding to the other (as a
    // producer and a consumer on one worker do through a channel): the one
    // queued is the worker's next task, and a thief taking it would only
    // split the pair across cores. A ticker on the other worker sends it
    // searching every millisecond. (A thief may still take it while this
    // worker's thread is preempted; the next wait joins the pair again.)
    rt::runtime runtime(two_workers());
    auto s = std::make_shared<taking_turns>();
    auto a = runtime.spawn(
        [](std::shared_ptr<taking_turns> s) -> rt::task<void> {
            // Holding this worker until the ticker runs puts it on the other one.
            s->a_started.store(true);
            auto give_up = std::chrono::steady_clock::now() + 10s;
            while (s->ticker_ran_on.load() == std::thread::id{} &&
                   std::chrono::steady_clock::now() < give_up) {
            }
            auto b = rt::spawn(take_turns, s, false);
            co_await take_turns(s, true);
            co_await b;
            s->done.store(true);
        },
        s);
    while (!s->a_started.load()) std::this_thread::yield();
    auto ticker = runtime.spawn(
        [](std::shared_ptr<taking_turns> s) -> rt::task<void> {
            s->ticker_ran_on.store(std::this_thread::get_id());
            while (!s->done.load()) co_await rt::sleep_for(1ms);
        },
        s);
    a.join_blocking();
    ticker.join_blocking();
    int together = 0;
    constexpr int from = taking_turns::rounds / 2;
    for (int i = from; i < taking_turns::rounds; ++i) together += s->a_ran_on[i] == s->b_ran_on[i];
    EXPECT_NE(s->ticker_ran_on.load(), s->a_ran_on[0]);
    // Preemption splits the pair now and then (more often when instrumented
    // code runs on a busy machine: 96.9% together under TSan at load 7);
    // on main, 5 of 6 runs were under 95% together, 4 of 6 under 90%.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    constexpr int min_percent = 90;
#else
    constexpr int min_percent = 95;
#endif
    EXPECT_GE(together, (taking_turns::rounds - from) * min_percent / 100);
}

struct stuck_run {
    rt::semaphore wake_b{0};
    std::atomic<bool> b_ran{false};
    std::atomic<bool> a_running{false};
};

rt::task<void> wait_then_mark(std::shared_ptr<stuck_run> s) {
    co_await s->wake_b.acquire();
    s->b_ran.store(true);
}

rt::task<void> mark(std::shared_ptr<stuck_run> s) {
    s->b_ran.store(true);
    co_return;
}

/// Spins without suspending until `b_ran` (true) or for 10 s (false).
bool spin_until_b_ran(stuck_run& s) {
    s.a_running.store(true);
    auto give_up = std::chrono::steady_clock::now() + 10s;
    while (!s.b_ran.load()) {
        if (std::chrono::steady_clock::now() > give_up) return false;
    }
    return true;
}

/// From outside the runtime: keeps the other worker coming back to search
/// (a task from outside wakes a parked worker) until `b_ran`.
void poke_until_b_ran(rt::runtime& runtime, stuck_run& s) {
    auto give_up = std::chrono::steady_clock::now() + 10s;
    while (!s.b_ran.load() && std::chrono::steady_clock::now() < give_up) {
        if (s.a_running.load()) runtime.spawn([]() -> rt::task<void> { co_return; }).detach();
        std::this_thread::sleep_for(1ms);
    }
}

TEST(worker, a_woken_task_is_stolen_from_a_worker_stuck_in_a_long_run) {
    // B is woken into the LIFO slot of A's worker, and A then runs for a
    // long time without suspending: a searching worker must take B.
    rt::runtime runtime(two_workers());
    auto s = std::make_shared<stuck_run>();
    auto b = runtime.spawn(wait_then_mark, s);
    auto a = runtime.spawn(
        [](std::shared_ptr<stuck_run> s) -> rt::task<bool> {
            s->wake_b.release();
            co_return spin_until_b_ran(*s);
        },
        s);
    poke_until_b_ran(runtime, *s);
    EXPECT_TRUE(a.join_blocking());
    b.join_blocking();
}

TEST(worker, a_single_queued_task_is_stolen_from_a_worker_stuck_in_a_long_run) {
    // B is queued alone behind A, which never suspends: not A's worker's
    // next task after all, so another worker must take it.
    rt::runtime runtime(two_workers());
    auto s = std::make_shared<stuck_run>();
    auto a = runtime.spawn(
        [](std::shared_ptr<stuck_run> s) -> rt::task<bool> {
            rt::spawn(mark, s).detach();
            co_return spin_until_b_ran(*s);
        },
        s);
    poke_until_b_ran(runtime, *s);
    EXPECT_TRUE(a.join_blocking());
}

}  // namespace
