#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/task_group.hpp>
#include <rivet/runtime/time.hpp>
#include <stdexcept>
#include <thread>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

using counter = std::shared_ptr<std::atomic<int>>;

// Sleeps an hour unless cancelled; counts the cancellation.
rt::task<void> sleep_counting_cancellation(counter c) {
    try {
        co_await rt::sleep_for(1h);
    } catch (const rt::cancelled_error&) {
        c->fetch_add(1);
    }
}

TEST(task_group, wait_returns_after_every_child_finished) {
    auto main = []() -> rt::task<int> {
        auto done = std::make_shared<std::atomic<int>>(0);
        rt::task_group group;
        for (int i = 0; i < 20; ++i) {
            group.spawn(
                [](int i, counter d) -> rt::task<void> {
                    co_await rt::sleep_for(std::chrono::milliseconds(i % 5));
                    d->fetch_add(1);
                },
                i, done);
        }
        co_await group.wait();
        co_return done->load();
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 20);
}

TEST(task_group, the_first_failure_cancels_siblings_and_is_rethrown) {
    auto main = []() -> rt::task<int> {
        auto cancelled = std::make_shared<std::atomic<int>>(0);
        rt::task_group group;
        for (int i = 0; i < 5; ++i) {
            group.spawn(
                [](counter c) -> rt::task<void> {
                    try {
                        co_await rt::sleep_for(1h);
                    } catch (const rt::cancelled_error&) {
                        c->fetch_add(1);
                        throw;
                    }
                },
                cancelled);
        }
        group.spawn([]() -> rt::task<void> {
            co_await rt::sleep_for(2ms);
            throw std::runtime_error("child failed");
        });
        try {
            co_await group.wait();
        } catch (const std::runtime_error& e) {
            co_return std::string(e.what()) == "child failed" ? cancelled->load() : -1;
        }
        co_return -2;
    };
    EXPECT_EQ(rt::block_on(main()), 5);
}

TEST(task_group, cancelling_the_owner_cancels_children_and_wait_still_waits) {
    auto main = []() -> rt::task<bool> {
        auto unwound = std::make_shared<std::atomic<int>>(0);
        auto owner = rt::spawn(
            [](counter u) -> rt::task<int> {
                rt::task_group group;
                for (int i = 0; i < 3; ++i) {
                    group.spawn(
                        [](counter u) -> rt::task<void> {
                            try {
                                co_await rt::sleep_for(1h);
                            } catch (const rt::cancelled_error&) {
                                // Cleanup that itself takes a moment; wait() must wait for it.
                                u->fetch_add(1);
                                throw;
                            }
                        },
                        u);
                }
                try {
                    co_await group.wait();
                } catch (const rt::cancelled_error&) {
                    co_return u->load();
                }
                co_return -1;
            },
            unwound);
        co_await rt::sleep_for(2ms);
        owner.cancel();
        co_return co_await owner == 3;
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(task_group, a_hundred_thousand_children) {
    auto main = []() -> rt::task<int> {
        auto done = std::make_shared<std::atomic<int>>(0);
        rt::task_group group;
        for (int i = 0; i < 100'000; ++i) {
            group.spawn(
                [](counter d) -> rt::task<void> {
                    d->fetch_add(1, std::memory_order_relaxed);
                    co_return;
                },
                done);
        }
        co_await group.wait();
        co_return done->load();
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2, .detect_stalls = false}), 100'000);
}

TEST(task_group, a_group_destroyed_without_wait_cancels_its_children) {
    auto main = []() -> rt::task<int> {
        auto cancelled = std::make_shared<std::atomic<int>>(0);
        {
            rt::task_group group;
            for (int i = 0; i < 4; ++i) {
                group.spawn(sleep_counting_cancellation, cancelled);
            }
            co_await rt::sleep_for(2ms);
        }  // no wait(): as if an exception unwound the owner
        for (int i = 0; i < 2000 && cancelled->load() < 4; ++i) co_await rt::sleep_for(1ms);
        co_return cancelled->load();
    };
    EXPECT_EQ(rt::block_on(main()), 4);
}

// A group's children are in no registry: shutdown reaches them through the
// group's node, under the task that made the group, whether that task is
// suspended (the outer groups) or still in its first run (the inner ones,
// made by children that have not suspended yet when they spawn).
TEST(task_group, shutdown_reaches_children_and_grandchildren_through_their_groups) {
    auto cancelled = std::make_shared<std::atomic<int>>(0);
    auto start = std::chrono::steady_clock::now();
    {
        rt::runtime runtime({.workers = 2, .detect_stalls = false, .shutdown_timeout = 10s});
        for (int owner = 0; owner < 4; ++owner) {
            runtime
                .spawn(
                    [](counter c) -> rt::task<void> {
                        rt::task_group group;
                        for (int i = 0; i < 10; ++i) {
                            group.spawn(
                                [](counter c) -> rt::task<void> {
                                    rt::task_group inner;
                                    for (int j = 0; j < 10; ++j) {
                                        inner.spawn(sleep_counting_cancellation, c);
                                    }
                                    co_await inner.wait();
                                },
                                c);
                        }
                        co_await group.wait();
                    },
                    cancelled)
                .detach();
        }
        std::this_thread::sleep_for(50ms);
        runtime.shutdown();
        EXPECT_EQ(runtime.live_tasks(), 0u);
    }
    EXPECT_EQ(cancelled->load(), 400);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// Groups held outside the frame of the task that made them (here in a
// shared holder) outlive it: their children must stay reachable by shutdown.
using holder = std::shared_ptr<std::unique_ptr<rt::task_group>>;

// Runs `maker(holder, counter)` as a task, shuts the runtime down, and
// checks that the three children of the group it leaves in the holder were
// cancelled and finished.
template <class Maker>
void check_shutdown_reaches_held_group(Maker maker) {
    auto cancelled = std::make_shared<std::atomic<int>>(0);
    auto h = std::make_shared<std::unique_ptr<rt::task_group>>();
    rt::runtime runtime({.workers = 1, .detect_stalls = false, .shutdown_timeout = 2s});
    runtime.spawn(maker, h, cancelled).detach();
    std::this_thread::sleep_for(100ms);
    runtime.shutdown();
    EXPECT_EQ(runtime.live_tasks(), 0u);
    EXPECT_EQ(cancelled->load(), 3);
    if (runtime.live_tasks() == 0) {
        h->reset();  // while the runtime's registries exist
    } else {
        (void)h->release();  // children still run: leak rather than crash
    }
}

TEST(task_group, shutdown_reaches_a_group_whose_maker_finished_in_its_first_run) {
    check_shutdown_reaches_held_group([](holder h, counter c) -> rt::task<void> {
        *h = std::make_unique<rt::task_group>();
        for (int i = 0; i < 3; ++i) (*h)->spawn(sleep_counting_cancellation, c);
        co_return;  // never suspends: never in a registry itself
    });
}

TEST(task_group, shutdown_reaches_a_group_left_by_a_finished_group_child) {
    check_shutdown_reaches_held_group([](holder h, counter c) -> rt::task<void> {
        {
            rt::task_group outer;
            outer.spawn(
                [](holder h, counter c) -> rt::task<void> {
                    co_await rt::sleep_for(1ms);
                    *h = std::make_unique<rt::task_group>();
                    for (int i = 0; i < 3; ++i) (*h)->spawn(sleep_counting_cancellation, c);
                },
                h, c);
            co_await outer.wait();
        }  // `outer` ends empty, with the held group under it
        co_await rt::sleep_for(1h);
    });
}

TEST(task_group, outside_a_task_is_a_logic_error) {
    EXPECT_THROW(rt::task_group{}, std::logic_error);
}

}  // namespace
