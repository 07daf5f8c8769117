#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/time.hpp>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

TEST(sleep, sleeps_at_least_the_duration) {
    auto main = []() -> rt::task<rt::clock::duration> {
        auto start = rt::clock::now();
        co_await rt::sleep_for(20ms);
        co_return rt::clock::now() - start;
    };
    EXPECT_GE(rt::block_on(main()), 20ms);
}

TEST(sleep, sleeps_wake_in_deadline_order) {
    auto main = []() -> rt::task<std::vector<int>> {
        auto order = std::make_shared<std::vector<int>>();
        std::vector<rt::join_handle<void>> hs;
        // One base for every deadline, far enough ahead that all three are
        // armed before the first is due even on a loaded machine (with
        // sleep_for, a task that first ran 10 ms late fired out of order).
        const auto base = std::chrono::steady_clock::now() + 50ms;
        for (int d : {30, 10, 20}) {
            hs.push_back(rt::spawn(
                [](std::chrono::steady_clock::time_point at, int d,
                   std::shared_ptr<std::vector<int>> o) -> rt::task<void> {
                    co_await rt::sleep_until(at);
                    o->push_back(d);
                },
                base + std::chrono::milliseconds(d), d, order));
        }
        for (auto& h : hs) co_await h;
        co_return *order;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 1}), (std::vector<int>{10, 20, 30}));
}

TEST(with_timeout, returns_the_result_when_in_time) {
    auto quick = []() -> rt::task<int> {
        co_await rt::sleep_for(1ms);
        co_return 5;
    };
    auto main = [quick]() -> rt::task<int> { co_return co_await rt::with_timeout(1s, quick()); };
    EXPECT_EQ(rt::block_on(main()), 5);
}

TEST(with_timeout, throws_timeout_error_when_late) {
    auto slow = []() -> rt::task<int> {
        co_await rt::sleep_for(1h);
        co_return 5;
    };
    auto main = [slow]() -> rt::task<rt::clock::duration> {
        auto start = rt::clock::now();
        try {
            co_await rt::with_timeout(20ms, slow());
        } catch (const rt::timeout_error&) {
            co_return rt::clock::now() - start;
        }
        co_return 0s;
    };
    auto waited = rt::block_on(main());
    EXPECT_GE(waited, 20ms);
    EXPECT_LT(waited, 1s);
}

TEST(with_timeout, the_task_is_usable_after_a_timeout) {
    // The timeout's cancellation must not leak into later waits of the task.
    auto main = []() -> rt::task<bool> {
        for (int i = 0; i < 20; ++i) {
            try {
                co_await rt::with_timeout(1ms, rt::sleep_for(1h));
            } catch (const rt::timeout_error&) {
            }
            auto start = rt::clock::now();
            co_await rt::sleep_for(2ms);
            if (rt::clock::now() - start < 2ms) co_return false;
        }
        co_return !rt::this_task::is_cancelled();
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(with_timeout, an_outer_cancellation_stays_a_cancelled_error) {
    auto main = []() -> rt::task<int> {
        auto h = rt::spawn([]() -> rt::task<int> {
            try {
                co_await rt::with_timeout(1h, rt::sleep_for(1h));
            } catch (const rt::timeout_error&) {
                co_return 1;
            } catch (const rt::cancelled_error&) {
                co_return 2;
            }
            co_return 3;
        });
        co_await rt::sleep_for(2ms);
        h.cancel();
        co_return co_await h;
    };
    EXPECT_EQ(rt::block_on(main()), 2);
}

TEST(with_timeout, nested_timeouts_report_the_inner_one) {
    auto main = []() -> rt::task<bool> {
        auto inner = []() -> rt::task<bool> {
            try {
                co_await rt::with_timeout(5ms, rt::sleep_for(1h));
            } catch (const rt::timeout_error&) {
                co_return true;
            }
            co_return false;
        };
        co_return co_await rt::with_timeout(10s, inner());
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(timeout_scope, a_paused_deadline_moves_on_by_the_pause) {
    auto main = []() -> rt::task<rt::clock::duration> {
        rt::detail::timeout_scope scope(rt::clock::now() + 30ms);
        scope.pause();
        co_await rt::sleep_for(60ms);  // cancelled at 30 ms if the clock ran
        scope.resume();
        auto resumed = rt::clock::now();
        try {
            co_await rt::sleep_for(1h);
        } catch (const rt::cancelled_error&) {
        }
        EXPECT_TRUE(scope.timed_out());
        co_return rt::clock::now() - resumed;
    };
    auto after_resume = rt::block_on(main());
    EXPECT_GE(after_resume, 25ms);  // what was left of the 30 ms
    EXPECT_LT(after_resume, 1s);
}

}  // namespace
