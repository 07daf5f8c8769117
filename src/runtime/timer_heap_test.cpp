#include "timer_heap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace rd = rivet::runtime::detail;

namespace {

struct recorded : rd::timer_entry {
    std::vector<int>* log = nullptr;
    int id = 0;
};

void record(rd::timer_entry& e) noexcept {
    auto& r = static_cast<recorded&>(e);
    r.log->push_back(r.id);
}

TEST(timer_heap, fires_due_entries_in_deadline_order_and_skips_disarmed_ones) {
    rd::timer_heap heap;
    std::vector<int> log;
    auto t0 = rd::clock::now();
    std::vector<recorded> entries(1000);
    std::vector<int> order(entries.size());
    for (int i = 0; i < static_cast<int>(entries.size()); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(42));
    for (int i : order) {
        entries[i].deadline = t0 + std::chrono::milliseconds(i);
        entries[i].fire = record;
        entries[i].log = &log;
        entries[i].id = i;
        heap.arm(entries[i]);
    }
    for (int i = 0; i < 1000; i += 3) EXPECT_TRUE(heap.disarm(entries[i]));
    EXPECT_FALSE(heap.disarm(entries[0]));  // already disarmed

    heap.fire_expired(t0 + std::chrono::milliseconds(499));
    heap.fire_expired(t0 + std::chrono::milliseconds(2000));
    std::vector<int> expected;
    for (int i = 0; i < 1000; ++i) {
        if (i % 3 != 0) expected.push_back(i);
    }
    EXPECT_EQ(log, expected);
    EXPECT_EQ(heap.size(), 0u);
    EXPECT_FALSE(heap.next_deadline().has_value());
}

TEST(timer_heap, next_deadline_is_the_earliest) {
    rd::timer_heap heap;
    auto t0 = rd::clock::now();
    recorded a, b;
    a.deadline = t0 + std::chrono::seconds(2);
    b.deadline = t0 + std::chrono::seconds(1);
    a.fire = b.fire = record;
    heap.arm(a);
    heap.arm(b);
    EXPECT_EQ(heap.next_deadline(), b.deadline);
    heap.disarm(b);
    EXPECT_EQ(heap.next_deadline(), a.deadline);
    heap.disarm(a);
}

}  // namespace
