#include <gtest/gtest.h>

#include <memory>
#include <rivet/runtime/runtime.hpp>
#include <stdexcept>
#include <string>

namespace rt = rivet::runtime;

namespace {

rt::task<int> forty_two() { co_return 42; }

rt::task<int> add_one(rt::task<int> inner) { co_return co_await std::move(inner) + 1; }

rt::task<void> fail() {
    throw std::runtime_error("boom");
    co_return;
}

rt::task<std::string> catches() {
    try {
        co_await fail();
    } catch (const std::runtime_error& e) {
        co_return std::string("caught ") + e.what();
    }
    co_return "not thrown";
}

rt::task<int> deep(int n) {
    if (n == 0) co_return 0;
    co_return co_await deep(n - 1) + 1;
}

TEST(task, is_lazy_until_awaited) {
    bool started = false;
    auto body = [&]() -> rt::task<void> {
        started = true;
        co_return;
    };
    {
        auto t = body();
        EXPECT_FALSE(started);
    }  // destroyed unstarted: no leak (ASan checks)
    EXPECT_FALSE(started);
}

TEST(task, returns_values_through_nested_awaits) {
    EXPECT_EQ(rt::block_on(add_one(forty_two()), {.workers = 1}), 43);
}

TEST(task, exceptions_propagate_through_co_await) {
    EXPECT_EQ(rt::block_on(catches(), {.workers = 1}), "caught boom");
    EXPECT_THROW(rt::block_on(fail(), {.workers = 1}), std::runtime_error);
}

TEST(task, deep_await_chains_use_no_stack) {
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    // Symmetric transfer: a 1,000,000-deep chain of awaits does not overflow.
    constexpr int depth = 1'000'000;
#else
    // GCC turns symmetric transfer into a tail call only when optimizing,
    // and not under the sanitizers' instrumentation.
    constexpr int depth = 1'000;
#endif
    EXPECT_EQ(rt::block_on(deep(depth), {.workers = 1, .detect_stalls = false}), depth);
}

TEST(task, move_only_results) {
    auto make = []() -> rt::task<std::unique_ptr<int>> { co_return std::make_unique<int>(7); };
    EXPECT_EQ(*rt::block_on(make(), {.workers = 1}), 7);
}

}  // namespace
