// The runtime at volume: a million spawns, a storm of cancellations, 100,000
// timers, and shutdown while all of it runs. Each test checks that every
// task is accounted for, not how fast it went.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/time.hpp>
#include <thread>
#include <vector>

#include "stress_scale.hpp"

namespace rt = rivet::runtime;
using rivet::stress::scaled;
using namespace std::chrono_literals;

namespace {

struct counter {
    std::atomic<int> value{0};
};

rt::task<void> bump(std::shared_ptr<counter> c) {
    c->value.fetch_add(1, std::memory_order_relaxed);
    co_return;
}

rt::task<bool> wait_until(const std::shared_ptr<counter>& c, int target) {
    for (int i = 0; i < 60'000 && c->value.load() < target; ++i) co_await rt::sleep_for(1ms);
    co_return c->value.load() == target;
}

TEST(runtime_stress, a_million_spawns_all_complete) {
    const int n = scaled(1'000'000);
    auto main = [n]() -> rt::task<bool> {
        auto c = std::make_shared<counter>();
        for (int i = 0; i < n; ++i) rt::spawn(bump, c).detach();
        co_return co_await wait_until(c, n);
    };
    rt::runtime runtime({.workers = 2, .detect_stalls = false});
    EXPECT_TRUE(runtime.block_on(main()));
    // The last tasks may still be between their body and their completion.
    for (int i = 0; i < 5000 && runtime.live_tasks() != 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(runtime.live_tasks(), 0u);
}

TEST(runtime_stress, joined_spawns_return_every_result) {
    const int n = scaled(200'000);
    auto main = [n]() -> rt::task<long long> {
        std::vector<rt::join_handle<int>> handles;
        handles.reserve(n);
        for (int i = 0; i < n; ++i) {
            handles.push_back(rt::spawn([](int x) -> rt::task<int> { co_return x; }, i));
        }
        long long sum = 0;
        for (auto& h : handles) sum += co_await h;
        co_return sum;
    };
    long long expected = static_cast<long long>(n) * (n - 1) / 2;
    EXPECT_EQ(rt::block_on(main(), {.workers = 2, .detect_stalls = false}), expected);
}

TEST(runtime_stress, a_storm_of_cancellations_ends_every_task) {
    // Half the tasks are cancelled while sleeping, half while still queued or
    // running; every one must end exactly once, with no task left behind.
    const int n = scaled(200'000);
    auto main = [n]() -> rt::task<bool> {
        auto ended = std::make_shared<counter>();
        auto cancelled = std::make_shared<counter>();
        std::vector<rt::join_handle<void>> handles;
        handles.reserve(n);
        for (int i = 0; i < n; ++i) {
            handles.push_back(rt::spawn(
                [](std::shared_ptr<counter> e, std::shared_ptr<counter> c) -> rt::task<void> {
                    try {
                        co_await rt::sleep_for(1h);
                    } catch (const rt::cancelled_error&) {
                        c->value.fetch_add(1);
                    }
                    e->value.fetch_add(1);
                },
                ended, cancelled));
            if (i % 2 == 0) handles.back().cancel();  // possibly before it ever ran
        }
        co_await rt::this_task::yield();
        for (int i = 1; i < n; i += 2) handles[i].cancel();
        for (auto& h : handles) co_await h;
        co_return ended->value.load() == n && cancelled->value.load() == n;
    };
    EXPECT_TRUE(rt::block_on(main(), {.workers = 2, .detect_stalls = false}));
}

TEST(runtime_stress, a_hundred_thousand_timers_fire_once_each) {
    const int n = scaled(100'000);
    auto main = [n]() -> rt::task<bool> {
        auto fired = std::make_shared<counter>();
        for (int i = 0; i < n; ++i) {
            rt::spawn(
                [](int i, std::shared_ptr<counter> f) -> rt::task<void> {
                    co_await rt::sleep_for(std::chrono::milliseconds(1 + i % 200));
                    f->value.fetch_add(1);
                },
                i, fired)
                .detach();
        }
        co_return co_await wait_until(fired, n);
    };
    EXPECT_TRUE(rt::block_on(main(), {.workers = 2, .detect_stalls = false}));
}

TEST(runtime_stress, timeouts_under_load_each_resolve_once) {
    const int n = scaled(50'000);
    auto main = [n]() -> rt::task<bool> {
        auto timed_out = std::make_shared<counter>();
        auto finished = std::make_shared<counter>();
        for (int i = 0; i < n; ++i) {
            rt::spawn(
                [](int i, std::shared_ptr<counter> t,
                   std::shared_ptr<counter> f) -> rt::task<void> {
                    try {
                        // Deadlines straddle the sleep, so both outcomes race.
                        co_await rt::with_timeout(std::chrono::milliseconds(i % 3),
                                                  rt::sleep_for(1ms));
                        f->value.fetch_add(1);
                    } catch (const rt::timeout_error&) {
                        t->value.fetch_add(1);
                    }
                },
                i, timed_out, finished)
                .detach();
        }
        for (int i = 0; i < 60'000; ++i) {
            if (timed_out->value.load() + finished->value.load() == n) co_return true;
            co_await rt::sleep_for(1ms);
        }
        co_return false;
    };
    EXPECT_TRUE(rt::block_on(main(), {.workers = 2, .detect_stalls = false}));
}

TEST(runtime_stress, shutdown_while_everything_runs_is_prompt_and_complete) {
    const int n = scaled(100'000);
    auto start = std::chrono::steady_clock::now();
    {
        rt::runtime runtime({.workers = 2, .detect_stalls = false});
        for (int i = 0; i < n; ++i) {
            runtime
                .spawn(
                    [](int i) -> rt::task<void> {
                        if (i % 3 == 0) co_await rt::sleep_for(1h);
                        if (i % 3 == 1) {
                            for (;;) co_await rt::this_task::yield();
                        }
                        co_await rt::with_timeout(1h, rt::sleep_for(1h));
                    },
                    i)
                .detach();
        }
        std::this_thread::sleep_for(20ms);
        runtime.shutdown();
        EXPECT_EQ(runtime.live_tasks(), 0u);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

}  // namespace
