#include "run_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace rd = rivet::runtime::detail;

namespace {

TEST(run_queue, pops_in_fifo_order_and_refuses_beyond_capacity) {
    rd::run_queue q;
    std::vector<rd::task_core> tasks(rd::run_queue::capacity + 1);
    for (std::uint32_t i = 0; i < rd::run_queue::capacity; ++i) EXPECT_TRUE(q.try_push(&tasks[i]));
    EXPECT_FALSE(q.try_push(&tasks.back()));
    for (std::uint32_t i = 0; i < rd::run_queue::capacity; ++i) EXPECT_EQ(q.pop(), &tasks[i]);
    EXPECT_EQ(q.pop(), nullptr);
}

TEST(run_queue, overflow_takes_the_oldest_half) {
    rd::run_queue q;
    std::vector<rd::task_core> tasks(rd::run_queue::capacity);
    for (auto& t : tasks) ASSERT_TRUE(q.try_push(&t));
    rd::task_core* first = nullptr;
    rd::task_core* last = nullptr;
    EXPECT_EQ(q.take_half_for_overflow(first, last), rd::run_queue::capacity / 2);
    EXPECT_EQ(first, &tasks[0]);
    EXPECT_EQ(last, &tasks[rd::run_queue::capacity / 2 - 1]);
    EXPECT_EQ(q.size(), rd::run_queue::capacity / 2);
    EXPECT_EQ(q.pop(), &tasks[rd::run_queue::capacity / 2]);
}

TEST(run_queue, steal_takes_half_and_hands_one_over) {
    rd::run_queue victim, thief;
    std::vector<rd::task_core> tasks(10);
    for (auto& t : tasks) ASSERT_TRUE(victim.try_push(&t));
    rd::task_core* run_now = victim.steal_half_into(thief);
    EXPECT_EQ(run_now, &tasks[4]);
    EXPECT_EQ(thief.size(), 4u);
    EXPECT_EQ(victim.size(), 5u);
    EXPECT_EQ(thief.pop(), &tasks[0]);
    EXPECT_EQ(victim.pop(), &tasks[5]);
}

TEST(run_queue, concurrent_pops_and_steals_hand_out_each_task_once) {
    constexpr int total = 200'000;
    std::vector<rd::task_core> tasks(1024);
    std::vector<std::atomic<int>> seen(total);
    rd::run_queue victim;
    std::atomic<bool> done{false};
    std::atomic<int> taken{0};

    std::vector<rd::task_core> pool(total);
    auto id_of = [&](rd::task_core* t) { return static_cast<int>(t - pool.data()); };
    std::vector<std::thread> thieves;
    for (int k = 0; k < 2; ++k) {
        thieves.emplace_back([&] {
            rd::run_queue mine;
            while (!done.load()) {
                if (rd::task_core* t = victim.steal_half_into(mine)) {
                    seen[id_of(t)].fetch_add(1);
                    taken.fetch_add(1);
                    while (rd::task_core* u = mine.pop()) {
                        seen[id_of(u)].fetch_add(1);
                        taken.fetch_add(1);
                    }
                }
            }
        });
    }
    for (int i = 0; i < total; ++i) {
        while (!victim.try_push(&pool[i])) {
            if (rd::task_core* t = victim.pop()) {
                seen[id_of(t)].fetch_add(1);
                taken.fetch_add(1);
            }
        }
        if (i % 3 == 0) {
            if (rd::task_core* t = victim.pop()) {
                seen[id_of(t)].fetch_add(1);
                taken.fetch_add(1);
            }
        }
    }
    while (rd::task_core* t = victim.pop()) {
        seen[id_of(t)].fetch_add(1);
        taken.fetch_add(1);
    }
    while (taken.load() < total) std::this_thread::yield();
    done.store(true);
    for (auto& t : thieves) t.join();
    for (int i = 0; i < total; ++i) ASSERT_EQ(seen[i].load(), 1) << "task " << i;
}

}  // namespace
