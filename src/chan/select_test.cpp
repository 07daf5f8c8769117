#include <gtest/gtest.h>

#include <rivet/chan/chan.hpp>
#include <rivet/chan/select.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/spawn.hpp>
#include <rivet/runtime/time.hpp>
#include <string>
#include <vector>

namespace chan = rivet::chan;
namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

TEST(select, takes_from_the_receiver_that_has_an_item) {
    auto main = []() -> rt::task<std::string> {
        auto [itx, irx] = chan::spsc<int>(4);
        auto [stx, srx] = chan::mpsc<std::string>(4);
        co_await stx.send("hello");
        auto r = co_await chan::select(irx, srx);
        EXPECT_EQ(r.index(), 1u);
        EXPECT_EQ(irx.size(), 0u);
        co_return std::get<1>(r).value_or("");
    };
    EXPECT_EQ(rt::block_on(main()), "hello");
}

TEST(select, waits_until_one_of_them_delivers) {
    auto main = []() -> rt::task<int> {
        auto [atx, arx] = chan::spsc<int>(4);
        auto [btx, brx] = chan::spsc<int>(4);
        auto late = rt::spawn(
            [](chan::sender<int, chan::shape::spsc> tx) -> rt::task<void> {
                co_await rt::sleep_for(5ms);
                co_await tx.send(7);
            },
            std::move(btx));
        auto r = co_await chan::select(arx, brx);
        co_await late;
        co_return r.index() == 1 ? std::get<1>(r).value_or(-1) : -1;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 7);
}

TEST(select, reports_a_channel_that_ended) {
    auto main = []() -> rt::task<bool> {
        auto [atx, arx] = chan::spsc<int>(4);
        auto [btx, brx] = chan::spsc<int>(4);
        btx.close();
        auto r = co_await chan::select(arx, brx);
        co_return r.index() == 1 && !std::get<1>(r).has_value();
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(select, under_a_timeout_throws_timeout_error_and_takes_nothing) {
    auto main = []() -> rt::task<int> {
        auto [atx, arx] = chan::mpmc<int>(4);
        auto [btx, brx] = chan::mpmc<int>(4);
        EXPECT_THROW(co_await rt::with_timeout(5ms, chan::select(arx, brx)), rt::timeout_error);
        co_await btx.send(9);
        co_return (co_await brx.recv()).value_or(-1);
    };
    EXPECT_EQ(rt::block_on(main()), 9);
}

TEST(select, no_ready_receiver_is_starved) {
    auto main = []() -> rt::task<std::vector<int>> {
        auto [atx, arx] = chan::spsc<int>(128);
        auto [btx, brx] = chan::spsc<int>(128);
        for (int i = 0; i < 100; ++i) {
            co_await atx.send(i);
            co_await btx.send(i);
        }
        std::vector<int> wins(2);
        for (int i = 0; i < 100; ++i) ++wins[(co_await chan::select(arx, brx)).index()];
        co_return wins;
    };
    const auto wins = rt::block_on(main());
    EXPECT_GT(wins[0], 20);
    EXPECT_GT(wins[1], 20);
}

TEST(select, many_selecting_consumers_lose_and_duplicate_nothing) {
    // Four tasks select over two mpmc channels fed by two producers; every
    // item is received exactly once.
    auto main = []() -> rt::task<std::vector<int>> {
        auto [atx, arx] = chan::mpmc<int>(8);
        auto [btx, brx] = chan::mpmc<int>(8);
        auto produce = [](chan::sender<int, chan::shape::mpmc> tx, int base) -> rt::task<void> {
            for (int i = 0; i < 5000; ++i) co_await tx.send(base + i);
        };
        auto consume = [](chan::receiver<int, chan::shape::mpmc> a,
                          chan::receiver<int, chan::shape::mpmc> b) -> rt::task<std::vector<int>> {
            std::vector<int> got;
            bool a_open = true;
            bool b_open = true;
            while (a_open && b_open) {
                auto r = co_await chan::select(a, b);
                auto& v = r.index() == 0 ? std::get<0>(r) : std::get<1>(r);
                if (v) {
                    got.push_back(*v);
                } else {
                    (r.index() == 0 ? a_open : b_open) = false;
                }
            }
            while (a_open) {
                if (auto v = co_await a.recv())
                    got.push_back(*v);
                else
                    a_open = false;
            }
            while (b_open) {
                if (auto v = co_await b.recv())
                    got.push_back(*v);
                else
                    b_open = false;
            }
            co_return got;
        };
        std::vector<rt::join_handle<std::vector<int>>> consumers;
        for (int i = 0; i < 4; ++i) consumers.push_back(rt::spawn(consume, arx, brx));
        auto pa = rt::spawn(produce, std::move(atx), 0);
        auto pb = rt::spawn(produce, std::move(btx), 100'000);
        co_await pa;
        co_await pb;
        std::vector<int> all;
        for (auto& c : consumers) {
            auto got = co_await c;
            all.insert(all.end(), got.begin(), got.end());
        }
        std::sort(all.begin(), all.end());
        co_return all;
    };
    const auto all = rt::block_on(main(), {.workers = 2});
    ASSERT_EQ(all.size(), 10'000u);
    for (int i = 0; i < 5000; ++i) {
        ASSERT_EQ(all[i], i);
        ASSERT_EQ(all[5000 + i], 100'000 + i);
    }
}

}  // namespace
