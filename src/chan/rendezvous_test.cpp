// An mpmc channel of capacity 0: a send completes when a receiver takes it.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <rivet/chan/chan.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/spawn.hpp>
#include <rivet/runtime/time.hpp>
#include <thread>

namespace chan = rivet::chan;
namespace rt = rivet::runtime;
using namespace std::chrono_literals;
using rx_t = chan::receiver<int, chan::shape::mpmc>;
using tx_t = chan::sender<int, chan::shape::mpmc>;

namespace {

TEST(rendezvous, holds_nothing_and_try_send_never_succeeds) {
    auto [tx, rx] = chan::mpmc<int>(0);
    EXPECT_EQ(tx.capacity(), 0u);
    EXPECT_FALSE(tx.try_send(1));
    EXPECT_EQ(rx.try_recv(), std::nullopt);
}

TEST(rendezvous, a_send_completes_only_when_a_receiver_takes_the_item) {
    auto main = []() -> rt::task<bool> {
        auto [tx, rx] = chan::mpmc<int>(0);
        auto sent = std::make_shared<std::atomic<bool>>(false);
        auto sender = rt::spawn(
            [](tx_t tx, std::shared_ptr<std::atomic<bool>> sent) -> rt::task<void> {
                co_await tx.send(5);
                sent->store(true);
            },
            tx, sent);
        for (int i = 0; i < 1000 && rx.size() == 0; ++i) co_await rt::sleep_for(1ms);
        co_await rt::sleep_for(5ms);
        const bool early = sent->load();
        EXPECT_EQ(rx.size(), 1u);  // one send waiting
        auto v = co_await rx.recv();
        co_await sender;
        co_return !early && v == 5 && sent->load();
    };
    EXPECT_TRUE(rt::block_on(main(), {.workers = 2}));
}

TEST(rendezvous, a_send_under_a_timeout_withdraws_its_item) {
    auto main = []() -> rt::task<bool> {
        auto [tx, rx] = chan::mpmc<int>(0);
        EXPECT_THROW(co_await rt::with_timeout(5ms, tx.send(1)), rt::timeout_error);
        co_return !rx.try_recv().has_value() && rx.size() == 0;
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(rendezvous, closing_refuses_waiting_sends_with_their_values) {
    auto main = []() -> rt::task<int> {
        auto [tx, rx] = chan::mpmc<int>(0);
        auto sender = rt::spawn(
            [](tx_t tx) -> rt::task<int> {
                try {
                    co_await tx.send(8);
                } catch (const chan::send_error<int>& e) {
                    co_return e.value();
                }
                co_return -1;
            },
            tx);
        co_await rt::sleep_for(5ms);
        rx.close();
        EXPECT_EQ(co_await rx.recv(), std::nullopt);
        co_return co_await sender;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 8);
}

TEST(rendezvous, threads_hand_items_to_each_other) {
    auto [tx, rx] = chan::mpmc<int>(0);
    std::thread receiver([rx = std::move(rx)]() mutable {
        for (int i = 0; i < 1000; ++i) {
            if (rx.recv_blocking() != i) std::abort();
        }
    });
    for (int i = 0; i < 1000; ++i) tx.send_blocking(i);
    receiver.join();
    EXPECT_THROW(tx.send_blocking(1, 5ms), chan::closed_error);  // the receiver is gone
}

}  // namespace
