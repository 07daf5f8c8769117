#include "inject_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <new>
#include <thread>
#include <vector>

namespace rd = rivet::runtime::detail;

// The queue allocates its blocks with the nothrow operator new; a test makes
// it fail on this thread.
thread_local bool refuse_nothrow_new = false;

void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    if (refuse_nothrow_new) return nullptr;
    try {
        return ::operator new(size);
    } catch (...) {
        return nullptr;
    }
}

namespace {

constexpr std::uint32_t batch = rd::inject_queue::batch_capacity;

std::vector<rd::task_core*> pop(rd::inject_queue& q, std::uint32_t max) {
    std::vector<rd::task_core*> got(max);
    got.resize(q.pop_batch(got.data(), max));
    return got;
}

std::vector<rd::task_core*> addresses(std::vector<rd::task_core>& tasks, std::size_t from,
                                      std::size_t to) {
    std::vector<rd::task_core*> out;
    for (std::size_t i = from; i < to; ++i) out.push_back(&tasks[i]);
    return out;
}

TEST(inject_queue, pop_batch_takes_at_most_max_in_fifo_order) {
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(5);
    for (auto& t : tasks) q.push(&t);
    EXPECT_EQ(pop(q, 3), addresses(tasks, 0, 3));
    EXPECT_FALSE(q.empty());
    EXPECT_EQ(q.pop(), &tasks[3]);
    EXPECT_EQ(pop(q, 10), addresses(tasks, 4, 5));
    EXPECT_TRUE(q.empty());
    EXPECT_TRUE(pop(q, 10).empty());
    EXPECT_EQ(q.pop(), nullptr);
}

TEST(inject_queue, a_pushed_batch_comes_out_whole_after_earlier_tasks) {
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(4);
    q.push(&tasks[0]);
    std::array<rd::task_core*, 3> three{&tasks[1], &tasks[2], &tasks[3]};
    q.push_batch(three.data(), 3);
    EXPECT_EQ(pop(q, 100), addresses(tasks, 0, 4));
    EXPECT_TRUE(q.empty());
}

TEST(inject_queue, tasks_beyond_a_block_wait_in_the_next_one_in_order) {
    // Singles fill a block, then the next; a batch that does not fit the
    // last block starts its own. A pop takes from the front block only.
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(batch + 10 + batch);
    for (std::size_t i = 0; i < batch + 10; ++i) q.push(&tasks[i]);
    std::vector<rd::task_core*> overflow = addresses(tasks, batch + 10, tasks.size());
    q.push_batch(overflow.data(), batch);
    EXPECT_EQ(pop(q, batch), addresses(tasks, 0, batch));
    EXPECT_EQ(pop(q, batch), addresses(tasks, batch, batch + 10));
    EXPECT_EQ(pop(q, batch), overflow);
    EXPECT_TRUE(q.empty());
}

TEST(inject_queue, what_pop_batch_leaves_stays_ahead_of_later_pushes) {
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(6);
    for (int i = 0; i < 4; ++i) q.push(&tasks[i]);
    EXPECT_EQ(pop(q, 2), addresses(tasks, 0, 2));
    q.push(&tasks[4]);
    q.push(&tasks[5]);
    EXPECT_EQ(pop(q, 100), addresses(tasks, 2, 6));
    EXPECT_TRUE(q.empty());
}

TEST(inject_queue, tasks_no_block_can_be_allocated_for_are_kept_in_order) {
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(batch + 5);
    for (std::size_t i = 0; i < batch; ++i) q.push(&tasks[i]);  // one full block
    refuse_nothrow_new = true;
    q.push(&tasks[batch]);
    std::array<rd::task_core*, 2> two{&tasks[batch + 1], &tasks[batch + 2]};
    q.push_batch(two.data(), 2);
    refuse_nothrow_new = false;
    q.push(&tasks[batch + 3]);  // behind the spilled ones, though a block would do now
    EXPECT_EQ(pop(q, batch), addresses(tasks, 0, batch));
    EXPECT_EQ(pop(q, 2), addresses(tasks, batch, batch + 2));
    EXPECT_EQ(tasks[batch].next, nullptr);
    EXPECT_EQ(pop(q, batch), addresses(tasks, batch + 2, batch + 4));
    q.push(&tasks[batch + 4]);  // the spill is empty: blocks again
    EXPECT_EQ(pop(q, batch), addresses(tasks, batch + 4, batch + 5));
    EXPECT_TRUE(q.empty());
}

TEST(inject_queue, concurrent_pushes_and_pops_hand_out_each_task_once_in_each_pushers_order) {
    constexpr int pushers = 2;
    constexpr std::size_t per_pusher = 100'000;
    rd::inject_queue q;
    std::vector<rd::task_core> tasks(pushers * per_pusher);
    std::vector<std::vector<rd::task_core*>> got(2);
    std::atomic<std::size_t> taken{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < pushers; ++p) {
        threads.emplace_back([&, p] {
            rd::task_core* base = &tasks[p * per_pusher];
            for (std::size_t i = 0; i < per_pusher;) {
                std::uint32_t n = (i % 3 == 0) ? 1 : std::min<std::size_t>(batch, per_pusher - i);
                std::vector<rd::task_core*> run;
                for (std::uint32_t k = 0; k < n; ++k) run.push_back(base + i + k);
                q.push_batch(run.data(), n);
                i += n;
            }
        });
    }
    for (auto& mine : got) {
        threads.emplace_back([&] {
            std::array<rd::task_core*, batch> out;
            while (taken.load() < tasks.size()) {
                std::uint32_t n = q.pop_batch(out.data(), 1 + mine.size() % batch);
                mine.insert(mine.end(), out.begin(), out.begin() + n);
                taken.fetch_add(n);
            }
        });
    }
    for (auto& t : threads) t.join();
    std::vector<int> seen(tasks.size());
    for (auto& mine : got) {
        std::vector<rd::task_core*> last(pushers, nullptr);
        for (rd::task_core* t : mine) {
            auto index = static_cast<std::size_t>(t - tasks.data());
            ++seen[index];
            std::size_t p = index / per_pusher;
            EXPECT_TRUE(last[p] == nullptr || last[p] < t) << "a pusher's order was broken";
            last[p] = t;
        }
    }
    EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), static_cast<long>(tasks.size()));
    EXPECT_TRUE(q.empty());
}

}  // namespace
