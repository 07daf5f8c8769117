#include <gtest/gtest.h>

#include <atomic>
#include <rivet/runtime/blocking.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/time.hpp>
#include <stdexcept>
#include <string>
#include <thread>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

std::string slow_concat(std::string a, std::string b) {
    std::this_thread::sleep_for(5ms);
    return a + b;
}

TEST(spawn_blocking, returns_the_result) {
    auto main = []() -> rt::task<std::string> {
        co_return co_await rt::spawn_blocking(slow_concat, std::string("block"),
                                              std::string("ing"));
    };
    EXPECT_EQ(rt::block_on(main()), "blocking");
}

TEST(spawn_blocking, rethrows_the_exception) {
    auto main = []() -> rt::task<void> {
        co_await rt::spawn_blocking([] { throw std::runtime_error("io failed"); });
    };
    EXPECT_THROW(rt::block_on(main()), std::runtime_error);
}

TEST(spawn_blocking, does_not_hold_the_worker) {
    // One worker: while a blocking job sleeps 100 ms, other tasks keep running.
    auto main = []() -> rt::task<int> {
        auto ticks = std::make_shared<std::atomic<int>>(0);
        auto ticker = rt::spawn(
            [](std::shared_ptr<std::atomic<int>> t) -> rt::task<void> {
                for (;;) {
                    co_await rt::sleep_for(1ms);
                    t->fetch_add(1);
                }
            },
            ticks);
        co_await rt::spawn_blocking([] { std::this_thread::sleep_for(100ms); });
        co_return ticks->load();
    };
    EXPECT_GE(rt::block_on(main(), {.workers = 1}), 20);
}

TEST(spawn_blocking, a_cancelled_caller_still_gets_the_result) {
    auto main = []() -> rt::task<int> {
        auto h = rt::spawn([]() -> rt::task<int> {
            int r = co_await rt::spawn_blocking([] {
                std::this_thread::sleep_for(20ms);
                return 7;
            });
            co_return r;
        });
        co_await rt::sleep_for(5ms);
        h.cancel();
        co_return co_await h;
    };
    EXPECT_EQ(rt::block_on(main()), 7);
}

}  // namespace
