#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/task_group.hpp>
#include <rivet/runtime/task_local.hpp>
#include <rivet/runtime/time.hpp>
#include <string>
#include <thread>
#include <vector>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

const rt::task_local<std::string> request_id;
const rt::task_local<int> depth;

std::string id_or_none() {
    const std::string* id = request_id.get();
    return id ? *id : "none";
}

TEST(task_local, a_plain_thread_binds_and_a_scope_restores) {
    EXPECT_EQ(request_id.get(), nullptr);
    {
        auto outer = request_id.bind("a");
        EXPECT_EQ(id_or_none(), "a");
        {
            auto inner = request_id.bind("b");
            auto other = depth.bind(7);
            EXPECT_EQ(id_or_none(), "b");
            EXPECT_EQ(*depth.get(), 7);
        }
        EXPECT_EQ(id_or_none(), "a");
        EXPECT_EQ(depth.get(), nullptr);
    }
    EXPECT_EQ(request_id.get(), nullptr);
}

TEST(task_local, threads_do_not_share_their_bindings) {
    auto scope = request_id.bind("main thread");
    std::string seen;
    std::thread([&] { seen = id_or_none(); }).join();
    EXPECT_EQ(seen, "none");
}

TEST(task_local, block_on_inherits_the_calling_threads_context) {
    auto scope = request_id.bind("from main");
    auto main = []() -> rt::task<std::string> { co_return id_or_none(); };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), "from main");
}

TEST(task_local, a_binding_follows_its_task_across_suspensions_and_workers) {
    // Many tasks, each with its own id, suspend and resume many times on two
    // workers: each must always read its own id, wherever it resumes.
    auto main = []() -> rt::task<int> {
        rt::task_group group;
        auto wrong = std::make_shared<std::atomic<int>>(0);
        for (int i = 0; i < 64; ++i) {
            group.spawn(
                [](int i, std::shared_ptr<std::atomic<int>> wrong) -> rt::task<void> {
                    auto scope = request_id.bind("req-" + std::to_string(i));
                    for (int round = 0; round < 20; ++round) {
                        if (round % 2) {
                            co_await rt::this_task::yield();
                        } else {
                            co_await rt::sleep_for(100us);
                        }
                        if (id_or_none() != "req-" + std::to_string(i)) wrong->fetch_add(1);
                    }
                },
                i, wrong);
        }
        co_await group.wait();
        co_return wrong->load();
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 0);
}

TEST(task_local, spawned_tasks_and_group_children_inherit_a_snapshot) {
    auto main = []() -> rt::task<std::vector<std::string>> {
        auto scope = request_id.bind("parent");
        auto child = rt::spawn([]() -> rt::task<std::string> {
            co_await rt::sleep_for(2ms);  // the parent rebinds meanwhile
            co_return id_or_none();
        });
        std::string group_seen;
        {
            rt::task_group group;
            group.spawn(
                [](std::string* out) -> rt::task<void> {
                    co_await rt::this_task::yield();
                    *out = id_or_none();
                },
                &group_seen);
            co_await group.wait();
        }
        auto rebound = request_id.bind("parent again");
        std::string child_seen = co_await child;
        co_return std::vector<std::string>{child_seen, group_seen, id_or_none()};
    };
    auto seen = rt::block_on(main(), {.workers = 2});
    EXPECT_EQ(seen, (std::vector<std::string>{"parent", "parent", "parent again"}));
}

TEST(task_local, a_childs_binding_does_not_leak_to_its_parent) {
    auto main = []() -> rt::task<std::string> {
        auto scope = request_id.bind("parent");
        co_await rt::spawn([]() -> rt::task<void> {
            auto mine = request_id.bind("child");
            co_await rt::this_task::yield();
        });
        co_return id_or_none();
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), "parent");
}

// Counts live copies, to see when the runtime lets go of a value.
struct tracked {
    explicit tracked(std::shared_ptr<std::atomic<int>> live) : live_(std::move(live)) { ++*live_; }
    tracked(const tracked& o) : live_(o.live_) { ++*live_; }
    tracked(tracked&& o) noexcept : live_(o.live_) { ++*live_; }
    ~tracked() { --*live_; }
    std::shared_ptr<std::atomic<int>> live_;
};
const rt::task_local<tracked> tracked_local;

TEST(task_local, a_task_releases_its_context_when_its_core_goes) {
    auto live = std::make_shared<std::atomic<int>>(0);
    rt::runtime runtime({.workers = 2});
    {
        auto scope = tracked_local.bind(tracked(live));
        EXPECT_EQ(live->load(), 1);
        auto handle = runtime.spawn([]() -> rt::task<bool> {
            co_await rt::this_task::yield();
            co_return tracked_local.get() != nullptr;
        });
        EXPECT_TRUE(handle.join_blocking());
    }  // the handle (the last reference to the task's core) and the scope end
    EXPECT_EQ(live->load(), 0);
}

TEST(task_local, a_snapshot_outlives_the_scope_it_was_taken_in) {
    rt::local_context snapshot;
    {
        auto scope = request_id.bind("kept");
        snapshot = rt::local_context::current();
    }
    EXPECT_EQ(request_id.get(), nullptr);
    ASSERT_NE(snapshot.find(request_id), nullptr);
    EXPECT_EQ(*snapshot.find(request_id), "kept");
    EXPECT_EQ(snapshot.find(depth), nullptr);
}

}  // namespace
