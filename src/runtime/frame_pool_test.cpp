#include "frame_pool.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

namespace rd = rivet::runtime::detail;

namespace {

constexpr std::size_t size = 200;  // a root-sized block
const std::uint32_t per_magazine =
    rd::frame_depot::magazine_capacity(rd::frame_depot::class_of(size));

TEST(frame_pool, a_freed_block_is_reused_first) {
    rd::frame_depot depot;
    rd::frame_cache cache(depot);
    void* a = cache.allocate(size);
    void* b = cache.allocate(size);
    cache.deallocate(a, size);
    EXPECT_EQ(cache.allocate(size), a);
    cache.deallocate(a, size);
    cache.deallocate(b, size);
}

TEST(frame_pool, blocks_are_aligned_distinct_and_writable) {
    rd::frame_depot depot;
    rd::frame_cache cache(depot);
    std::vector<void*> blocks;
    std::set<void*> seen;
    // Enough to span several runs of a chunk.
    for (std::size_t i = 0; i < 3 * rd::frame_depot::run_bytes / 16; ++i) {
        std::size_t n = 16 + (i * 16) % 1024;
        void* p = cache.allocate(n);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u);
        EXPECT_TRUE(seen.insert(p).second);
        std::memset(p, 0xab, n);
        blocks.push_back(p);
    }
    for (std::size_t i = 0; i < blocks.size(); ++i)
        cache.deallocate(blocks[i], 16 + (i * 16) % 1024);
}

TEST(frame_pool, a_fresh_run_is_resident_before_its_first_block_is_written) {
    rd::frame_depot depot;
    std::byte* begin = nullptr;
    std::byte* end = nullptr;
    depot.take_run(begin, end);
    ASSERT_EQ(end - begin, static_cast<std::ptrdiff_t>(rd::frame_depot::run_bytes));
    if (madvise(begin, 0, MADV_POPULATE_WRITE) != 0) {
        depot.put_run(begin, end);
        GTEST_SKIP() << "the kernel has no MADV_POPULATE_WRITE (Linux 5.14)";
    }
    auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> resident(rd::frame_depot::run_bytes / page);
    ASSERT_EQ(mincore(begin, rd::frame_depot::run_bytes, resident.data()), 0);
    for (unsigned char r : resident) EXPECT_EQ(r & 1, 1);
    depot.put_run(begin, end);
}

TEST(frame_pool, a_second_burst_reuses_the_memory_of_the_first) {
    rd::frame_depot depot;
    rd::frame_cache cache(depot);
    constexpr std::size_t n = 20'000;  // far more than two magazines
    std::vector<void*> first(n);
    for (auto& p : first) p = cache.allocate(size);
    for (void* p : first) cache.deallocate(p, size);
    std::set<void*> earlier(first.begin(), first.end());
    for (std::size_t i = 0; i < n; ++i) {
        void* p = cache.allocate(size);
        EXPECT_EQ(earlier.count(p), 1u) << "block " << i << " is new memory";
        first[i] = p;
    }
    for (void* p : first) cache.deallocate(p, size);
}

TEST(frame_pool, blocks_freed_on_another_thread_come_back_through_the_depot) {
    rd::frame_depot depot;
    constexpr std::size_t n = 10 * 1024;
    std::vector<void*> blocks(n);
    rd::frame_cache producer(depot);
    for (auto& p : blocks) p = producer.allocate(size);
    // Another thread frees them all and exits: what its cache holds beyond
    // two magazines went to the depot at once, the rest when it went away.
    std::thread([&] {
        rd::frame_cache freer(depot);
        for (void* p : blocks) freer.deallocate(p, size);
    }).join();
    // The producer first hands out what it carved and did not use yet (less
    // than a magazine), then the blocks the other thread freed.
    std::set<void*> freed(blocks.begin(), blocks.end());
    std::size_t reused = 0;
    for (std::size_t i = 0; i < n; ++i) {
        blocks[i] = producer.allocate(size);
        reused += freed.count(blocks[i]);
    }
    EXPECT_GE(reused, n - per_magazine);
    for (void* p : blocks) producer.deallocate(p, size);
}

TEST(frame_pool, a_cache_alternating_at_a_magazine_boundary_keeps_its_blocks) {
    rd::frame_depot depot;
    rd::frame_cache cache(depot);
    std::vector<void*> blocks(per_magazine);
    for (auto& p : blocks) p = cache.allocate(size);
    for (void* p : blocks) cache.deallocate(p, size);  // the loaded magazine is full
    // Freeing and allocating around the boundary swaps magazines locally;
    // another cache finds nothing in the depot.
    for (int i = 0; i < 1000; ++i) {
        void* p = cache.allocate(size);
        cache.deallocate(p, size);
        cache.deallocate(cache.allocate(size), size);
    }
    rd::free_list taken;
    EXPECT_FALSE(depot.take(rd::frame_depot::class_of(size), taken));
}

TEST(frame_pool, threads_allocating_and_freeing_across_each_other_lose_nothing) {
    rd::frame_depot depot;
    constexpr int rounds = 200;
    constexpr std::size_t batch = 512;
    std::vector<void*> handoff[2];
    std::atomic<int> turn{0};
    auto body = [&](int me) {
        rd::frame_cache cache(depot);
        for (int r = 0; r < rounds; ++r) {
            while (turn.load(std::memory_order_acquire) % 2 != me) std::this_thread::yield();
            // Free what the other thread allocated, allocate a batch for it.
            for (void* p : handoff[me]) {
                EXPECT_EQ(*static_cast<std::uint64_t*>(p) ^ 1, static_cast<std::uint64_t>(me));
                cache.deallocate(p, size);
            }
            handoff[me].clear();
            for (std::size_t i = 0; i < batch; ++i) {
                void* p = cache.allocate(size);
                *static_cast<std::uint64_t*>(p) = static_cast<std::uint64_t>(me);
                handoff[1 - me].push_back(p);
            }
            turn.fetch_add(1, std::memory_order_release);
        }
        while (turn.load(std::memory_order_acquire) < 2 * rounds) std::this_thread::yield();
        if (me == 0) {
            for (auto& list : handoff)
                for (void* p : list) cache.deallocate(p, size);
        }
    };
    std::thread a(body, 0), b(body, 1);
    a.join();
    b.join();
}

}  // namespace
