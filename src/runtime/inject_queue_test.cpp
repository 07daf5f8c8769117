#include "inject_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rd = rivet::runtime::detail;

namespace {

TEST(inject_queue, pop_chain_takes_at_most_max_in_fifo_order) {
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(5);
    for (auto& t : tasks) q.push(&t);
    rd::task_core* chain = q.pop_chain(3);
    std::vector<rd::task_core*> got;
    for (rd::task_core* t = chain; t != nullptr; t = t->next) got.push_back(t);
    EXPECT_EQ(got, (std::vector<rd::task_core*>{&tasks[0], &tasks[1], &tasks[2]}));
    EXPECT_FALSE(q.empty());
    EXPECT_EQ(q.pop(), &tasks[3]);
    EXPECT_EQ(q.pop_chain(10), &tasks[4]);
    EXPECT_EQ(tasks[4].next, nullptr);
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.pop_chain(10), nullptr);
}

TEST(inject_queue, a_pushed_chain_comes_out_whole_after_earlier_tasks) {
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(4);
    q.push(&tasks[0]);
    tasks[1].next = &tasks[2];
    tasks[2].next = &tasks[3];
    q.push_chain(&tasks[1], &tasks[3], 3);
    std::vector<rd::task_core*> got;
    for (rd::task_core* t = q.pop_chain(100); t != nullptr; t = t->next) got.push_back(t);
    EXPECT_EQ(got, (std::vector<rd::task_core*>{&tasks[0], &tasks[1], &tasks[2], &tasks[3]}));
    EXPECT_TRUE(q.empty());
}

}  // namespace
