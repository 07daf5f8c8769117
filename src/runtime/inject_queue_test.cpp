#include "inject_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rd = rivet::runtime::detail;

namespace {

std::vector<rd::task_core*> drain(rd::task_core* chain) {
    std::vector<rd::task_core*> got;
    for (rd::task_core* t = chain; t != nullptr; t = t->next) got.push_back(t);
    return got;
}

TEST(inject_queue, pop_chain_takes_at_most_max_in_fifo_order) {
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(5);
    for (auto& t : tasks) q.push(&t);
    bool gave_back = false;
    EXPECT_EQ(drain(q.pop_chain(3, gave_back)),
              (std::vector<rd::task_core*>{&tasks[0], &tasks[1], &tasks[2]}));
    EXPECT_TRUE(gave_back);
    EXPECT_FALSE(q.empty());
    EXPECT_EQ(q.pop(), &tasks[3]);
    EXPECT_EQ(q.pop_chain(10, gave_back), &tasks[4]);
    EXPECT_FALSE(gave_back);
    EXPECT_EQ(tasks[4].next, nullptr);
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.pop_chain(10, gave_back), nullptr);
    EXPECT_EQ(q.pop(), nullptr);
}

TEST(inject_queue, a_pushed_chain_comes_out_whole_after_earlier_tasks) {
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(4);
    q.push(&tasks[0]);
    tasks[1].next = &tasks[2];
    tasks[2].next = &tasks[3];
    q.push_chain(&tasks[1], &tasks[3], 3);
    bool gave_back = true;
    EXPECT_EQ(drain(q.pop_chain(100, gave_back)),
              (std::vector<rd::task_core*>{&tasks[0], &tasks[1], &tasks[2], &tasks[3]}));
    EXPECT_FALSE(gave_back);
    EXPECT_TRUE(q.empty());
}

TEST(inject_queue, what_pop_chain_leaves_stays_ahead_of_later_pushes) {
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(6);
    for (int i = 0; i < 4; ++i) q.push(&tasks[i]);
    bool gave_back = false;
    EXPECT_EQ(drain(q.pop_chain(2, gave_back)),
              (std::vector<rd::task_core*>{&tasks[0], &tasks[1]}));
    q.push(&tasks[4]);
    q.push(&tasks[5]);
    EXPECT_EQ(drain(q.pop_chain(100, gave_back)),
              (std::vector<rd::task_core*>{&tasks[2], &tasks[3], &tasks[4], &tasks[5]}));
    EXPECT_TRUE(q.empty());
}

}  // namespace
