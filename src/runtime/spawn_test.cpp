#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/time.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

rt::task<int> square(int x) { co_return x* x; }

TEST(spawn, join_returns_the_result) {
    auto main = []() -> rt::task<int> {
        auto h = rt::spawn(square, 9);
        co_return co_await h;
    };
    EXPECT_EQ(rt::block_on(main()), 81);
}

TEST(spawn, lambda_captures_survive_suspension) {
    // The callable is copied into the task's frame, so its captures outlive
    // the temporary lambda and every suspension of the task.
    auto main = []() -> rt::task<std::string> {
        std::string prefix = "hello ";
        auto h = rt::spawn(
            [prefix](std::string name) -> rt::task<std::string> {
                co_await rt::this_task::yield();
                co_await rt::sleep_for(1ms);
                co_return prefix + name;
            },
            std::string("world"));
        prefix = "changed";
        co_return co_await h;
    };
    EXPECT_EQ(rt::block_on(main()), "hello world");
}

TEST(spawn, exceptions_are_rethrown_by_join) {
    auto main = []() -> rt::task<void> {
        auto h = rt::spawn([]() -> rt::task<int> {
            throw std::out_of_range("no such thing");
            co_return 0;
        });
        co_await h;
    };
    EXPECT_THROW(rt::block_on(main()), std::out_of_range);
}

TEST(spawn, a_spawned_task_object_runs) {
    auto main = []() -> rt::task<int> { co_return co_await rt::spawn(square(5)); };
    EXPECT_EQ(rt::block_on(main()), 25);
}

TEST(spawn, a_finished_task_releases_its_arguments_before_it_is_joined) {
    // The callable, its arguments and the task's frame go when the task ends,
    // not when its handle is joined or dropped: a finished connection handler
    // must not keep its socket open.
    auto main = []() -> rt::task<long> {
        auto resource = std::make_shared<int>(1);
        auto h = rt::spawn(
            [](std::shared_ptr<int> r) -> rt::task<void> {
                co_await rt::this_task::yield();
                (void)r;
            },
            resource);
        while (!h.is_finished()) co_await rt::sleep_for(1ms);
        long owners = resource.use_count();
        co_await h;
        co_return owners;
    };
    EXPECT_EQ(rt::block_on(main()), 1);
}

TEST(spawn, outside_a_runtime_is_a_logic_error) {
    EXPECT_THROW(static_cast<void>(rt::spawn(square, 2)), std::logic_error);
}

TEST(spawn, block_on_inside_a_worker_is_a_logic_error) {
    rt::runtime runtime({.workers = 1});
    auto main = [&runtime]() -> rt::task<bool> {
        try {
            runtime.block_on(square(1));
        } catch (const std::logic_error&) {
            co_return true;
        }
        co_return false;
    };
    EXPECT_TRUE(runtime.block_on(main()));
}

TEST(spawn, runtime_spawn_from_a_plain_thread) {
    rt::runtime runtime({.workers = 2});
    auto h = runtime.spawn(square, 12);
    EXPECT_EQ(h.join_blocking(), 144);
}

TEST(join_handle, cancel_wakes_a_sleeping_task_with_cancelled_error) {
    auto main = []() -> rt::task<bool> {
        auto h = rt::spawn([]() -> rt::task<void> { co_await rt::sleep_for(1h); });
        co_await rt::sleep_for(1ms);
        h.cancel();
        try {
            co_await h;
        } catch (const rt::cancelled_error&) {
            co_return true;
        }
        co_return false;
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(join_handle, dropping_the_handle_cancels_the_task) {
    auto main = []() -> rt::task<bool> {
        auto finished = std::make_shared<std::atomic<int>>(0);
        {
            auto h = rt::spawn(
                [](std::shared_ptr<std::atomic<int>> f) -> rt::task<void> {
                    try {
                        co_await rt::sleep_for(1h);
                    } catch (const rt::cancelled_error&) {
                        f->store(1);
                        throw;
                    }
                },
                finished);
            co_await rt::sleep_for(1ms);
        }
        for (int i = 0; i < 1000 && finished->load() == 0; ++i) co_await rt::sleep_for(1ms);
        co_return finished->load() == 1;
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(join_handle, detached_tasks_run_to_completion) {
    auto main = []() -> rt::task<int> {
        auto count = std::make_shared<std::atomic<int>>(0);
        for (int i = 0; i < 100; ++i) {
            rt::spawn(
                [](std::shared_ptr<std::atomic<int>> c) -> rt::task<void> {
                    co_await rt::this_task::yield();
                    c->fetch_add(1);
                },
                count)
                .detach();
        }
        for (int i = 0; i < 5000 && count->load() < 100; ++i) co_await rt::sleep_for(1ms);
        co_return count->load();
    };
    EXPECT_EQ(rt::block_on(main()), 100);
}

TEST(join_handle, a_detached_failure_is_reported_with_the_task_name) {
    std::mutex m;
    std::vector<std::string> reports;
    {
        rt::runtime runtime({.workers = 1, .report = [&](std::string_view s) {
                                 std::lock_guard lock(m);
                                 reports.emplace_back(s);
                             }});
        runtime.block_on([]() -> rt::task<void> {
            rt::spawn_named("doomed", []() -> rt::task<void> {
                throw std::runtime_error("disk on fire");
                co_return;
            }).detach();
            co_await rt::sleep_for(10ms);
        }());
    }
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_NE(reports[0].find("doomed"), std::string::npos);
    EXPECT_NE(reports[0].find("disk on fire"), std::string::npos);
}

TEST(cancellation, cancelling_a_task_leaves_the_tasks_it_spawned_running) {
    // spawn is unstructured: a spawned task belongs to the runtime, not to
    // its spawner (task_group is the structured form).
    auto main = []() -> rt::task<bool> {
        auto child_done = std::make_shared<std::atomic<bool>>(false);
        auto parent = rt::spawn(
            [](std::shared_ptr<std::atomic<bool>> done) -> rt::task<void> {
                rt::spawn(
                    [](std::shared_ptr<std::atomic<bool>> done) -> rt::task<void> {
                        co_await rt::sleep_for(20ms);
                        done->store(true);
                    },
                    done)
                    .detach();
                co_await rt::sleep_for(1h);
            },
            child_done);
        co_await rt::sleep_for(2ms);
        parent.cancel();
        for (int i = 0; i < 2000 && !child_done->load(); ++i) co_await rt::sleep_for(1ms);
        co_return child_done->load();
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(cancellation, cancelling_a_task_cancels_its_open_scopes) {
    // The task waits inside two nested with_timeout scopes; cancelling the
    // task reaches the innermost wait, and it is a cancellation, not a timeout.
    auto main = []() -> rt::task<int> {
        auto h = rt::spawn([]() -> rt::task<int> {
            auto inner = []() -> rt::task<void> {
                co_await rt::with_timeout(1h, rt::sleep_for(1h));
            };
            try {
                co_await rt::with_timeout(1h, inner());
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

TEST(cancellation, children_outliving_their_parent_are_still_cancelled_at_shutdown) {
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    {
        rt::runtime runtime({.workers = 2});
        runtime.block_on([](std::shared_ptr<std::atomic<bool>> flag) -> rt::task<void> {
            // The parent finishes at once; its child is re-parented, not lost.
            co_await rt::spawn(
                [](std::shared_ptr<std::atomic<bool>> flag) -> rt::task<void> {
                    rt::spawn(
                        [](std::shared_ptr<std::atomic<bool>> flag) -> rt::task<void> {
                            try {
                                co_await rt::sleep_for(1h);
                            } catch (const rt::cancelled_error&) {
                                flag->store(true);
                            }
                        },
                        flag)
                        .detach();
                    co_return;
                },
                flag);
        }(cancelled));
        // main has returned; only the orphan is left (counters settle just after join).
        for (int i = 0; i < 1000 && runtime.live_tasks() != 1; ++i)
            std::this_thread::sleep_for(1ms);
        EXPECT_EQ(runtime.live_tasks(), 1u);
    }  // shutdown cancels the orphan and waits for it
    EXPECT_TRUE(cancelled->load());
}

TEST(scheduler, two_workers_run_tasks_in_parallel) {
    // Each task waits for the other to have started without suspending: this
    // completes only if the tasks run on two threads at once (stealing works).
    auto main = []() -> rt::task<bool> {
        auto started = std::make_shared<std::atomic<int>>(0);
        auto spin = [](std::shared_ptr<std::atomic<int>> s) -> rt::task<bool> {
            s->fetch_add(1);
            auto give_up = std::chrono::steady_clock::now() + 10s;
            while (s->load() < 2) {
                if (std::chrono::steady_clock::now() > give_up) co_return false;
            }
            co_return true;
        };
        auto a = rt::spawn(spin, started);
        auto b = rt::spawn(spin, started);
        bool ok_a = co_await a;
        bool ok_b = co_await b;
        co_return ok_a&& ok_b;
    };
    EXPECT_TRUE(rt::block_on(main(), {.workers = 2, .detect_stalls = false}));
}

TEST(scheduler, an_idle_runtime_uses_no_cpu) {
    rt::runtime runtime({.workers = 2});
    std::this_thread::sleep_for(50ms);  // let the workers park
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    std::this_thread::sleep_for(300ms);
    getrusage(RUSAGE_SELF, &after);
    auto micros = [](const timeval& tv) { return tv.tv_sec * 1'000'000L + tv.tv_usec; };
    long used = micros(after.ru_utime) - micros(before.ru_utime) + micros(after.ru_stime) -
                micros(before.ru_stime);
    // A spinning worker would burn ~300,000 µs; parked ones use almost nothing
    // (the stall monitor wakes every 10 ms).
    EXPECT_LT(used, 30'000);
}

TEST(scheduler, a_stalled_task_is_reported_by_name) {
    std::mutex m;
    std::vector<std::string> reports;
    rt::runtime runtime({.workers = 1,
                         .detect_stalls = true,
                         .stall_threshold = 20ms,
                         .report = [&](std::string_view s) {
                             std::lock_guard lock(m);
                             reports.emplace_back(s);
                         }});
    auto h = runtime.spawn([]() -> rt::task<void> {
        std::this_thread::sleep_for(100ms);  // blocking inside a task: the bug to find
        co_return;
    });
    h.join_blocking();
    std::lock_guard lock(m);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_NE(reports[0].find("stall"), std::string::npos);
    EXPECT_NE(reports[0].find("task"), std::string::npos);
}

TEST(runtime, shutdown_cancels_tasks_that_never_suspended) {
    // The first task polls for cancellation without ever suspending (so it is
    // in no registry); the second waits in the queue behind it.
    std::atomic<int> running{0};
    auto start = std::chrono::steady_clock::now();
    {
        rt::runtime runtime({.workers = 1, .shutdown_timeout = 10s});
        for (int i = 0; i < 2; ++i) {
            runtime
                .spawn(
                    [](std::atomic<int>* running) -> rt::task<void> {
                        running->fetch_add(1);
                        while (!rt::this_task::is_cancelled()) {
                        }
                        co_return;
                    },
                    &running)
                .detach();
        }
        while (running.load() == 0) std::this_thread::yield();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(runtime, shutdown_cancels_sleeping_tasks_promptly) {
    auto start = std::chrono::steady_clock::now();
    {
        rt::runtime runtime({.workers = 2});
        for (int i = 0; i < 100; ++i) {
            runtime.spawn([]() -> rt::task<void> { co_await rt::sleep_for(1h); }).detach();
        }
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(spawn, an_empty_task_is_refused) {
    rt::runtime runtime({.workers = 1});
    auto make = []() -> rt::task<int> { co_return 1; };
    rt::task<int> moved = make();
    rt::task<int> taken = std::move(moved);
    EXPECT_THROW(runtime.block_on(std::move(moved)), std::invalid_argument);
    EXPECT_EQ(runtime.block_on([&]() -> rt::task<int> {
        EXPECT_THROW((void)rt::spawn(std::move(moved)), std::invalid_argument);
        co_return co_await rt::spawn(std::move(taken));
    }()),
              1);
}

// A result type whose copy (it has no move) throws on the fourth copy: the
// error reaches the joiner; storing the result must not terminate.
std::atomic<int> fragile_copies{0};
struct fragile {
    int v = 0;
    explicit fragile(int x) : v(x) {}
    fragile(const fragile& o) : v(o.v) {
        if (fragile_copies.fetch_add(1) + 1 >= 4) throw std::runtime_error("copy failed");
    }
};

rt::task<fragile> make_fragile() { co_return fragile{7}; }

TEST(spawn, a_result_whose_copy_throws_reaches_the_joiner_as_an_error) {
    fragile_copies = 0;
    rt::runtime runtime({.workers = 1, .detect_stalls = false});
    EXPECT_THROW(runtime.block_on(make_fragile()), std::runtime_error);
    fragile_copies = 0;
    EXPECT_THROW(runtime.block_on([]() -> rt::task<int> {
        auto h = rt::spawn(make_fragile);
        co_return (co_await h).v;
    }()),
                 std::runtime_error);
}

}  // namespace
