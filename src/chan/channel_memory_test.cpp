// What channels hold: small when empty, 10,000 of them alive at once, and an
// unbounded one back to its idle size after a burst. Its own binary: it
// replaces the global allocator to count the bytes held.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <rivet/chan/chan.hpp>
#include <vector>

namespace {
std::atomic<long> held{0};

void* counted_alloc(std::size_t n, std::size_t align) {
    void* p = align <= alignof(std::max_align_t)
                  ? std::malloc(n)
                  : std::aligned_alloc(align, (n + align - 1) / align * align);
    if (p == nullptr) throw std::bad_alloc();
    held.fetch_add(static_cast<long>(malloc_usable_size(p)), std::memory_order_relaxed);
    return p;
}

void counted_free(void* p) noexcept {
    if (p == nullptr) return;
    held.fetch_sub(static_cast<long>(malloc_usable_size(p)), std::memory_order_relaxed);
    std::free(p);
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n, 0); }
void* operator new[](std::size_t n) { return counted_alloc(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) {
    return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
    return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }

namespace chan = rivet::chan;

namespace {

template <class Make>
long bytes_per_channel(std::vector<decltype(std::declval<Make>()())>& keep, int n, Make make) {
    keep.reserve(n);
    const long before = held.load();
    for (int i = 0; i < n; ++i) keep.push_back(make());
    return (held.load() - before) / n;
}

TEST(channel_memory, ten_thousand_empty_spsc_channels_of_capacity_64_hold_under_768_bytes_each) {
    auto make = [] { return chan::spsc<std::uint64_t>(64); };
    std::vector<decltype(make())> keep;
    EXPECT_LE(bytes_per_channel(keep, 10'000, make), 768);
    for (auto& [tx, rx] : keep) {  // all alive and working
        ASSERT_TRUE(tx.try_send(1));
        ASSERT_EQ(rx.try_recv(), 1u);
    }
}

TEST(channel_memory, ten_thousand_empty_mpmc_channels_of_capacity_64_hold_under_1536_bytes_each) {
    auto make = [] { return chan::mpmc<std::uint64_t>(64); };
    std::vector<decltype(make())> keep;
    EXPECT_LE(bytes_per_channel(keep, 10'000, make), 1536);
    for (auto& [tx, rx] : keep) {
        ASSERT_TRUE(tx.try_send(1));
        ASSERT_EQ(rx.try_recv(), 1u);
    }
}

TEST(channel_memory, an_unbounded_channel_gives_a_burst_back) {
    auto [tx, rx] = chan::mpmc<std::uint64_t>(chan::unbounded);
    ASSERT_TRUE(tx.try_send(0));
    ASSERT_EQ(rx.try_recv(), 0u);
    const long idle = held.load();
    for (std::uint64_t i = 0; i < 1'000'000; ++i) ASSERT_TRUE(tx.try_send(i));
    EXPECT_GT(held.load() - idle, 8'000'000);  // the burst was held...
    for (std::uint64_t i = 0; i < 1'000'000; ++i) ASSERT_EQ(rx.try_recv(), i);
    EXPECT_LE(held.load(), idle);  // ...and given back
}

}  // namespace
