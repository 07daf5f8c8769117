// Closing and cancelling while the other end is busy on another thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <rivet/chan/chan.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/time.hpp>
#include <thread>
#include <vector>

namespace chan = rivet::chan;
namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

// Runs `a` and `b` on two threads, released together.
template <class A, class B>
void at_once(A a, B b) {
    std::atomic<int> ready{0};
    auto run = [&ready](auto& f) {
        ready.fetch_add(1);
        while (ready.load() < 2) {
        }
        f();
    };
    std::thread ta([&] { run(a); });
    std::thread tb([&] { run(b); });
    ta.join();
    tb.join();
}

// Copies `end`, then drops both copies at once from two threads.
template <class End>
void drop_two_copies_at_once(End& end) {
    std::optional<End> a(end), b(std::move(end));
    at_once([&] { a.reset(); }, [&] { b.reset(); });
}

TEST(channel_close, the_last_two_senders_dropped_at_once_close_the_channel) {
    int still_open = 0;
    for (int round = 0; round < 2000; ++round) {
        auto [tx, rx] = chan::mpsc<int>(4);
        drop_two_copies_at_once(tx);
        still_open += rx.at_end() ? 0 : 1;
    }
    EXPECT_EQ(still_open, 0) << "receivers would wait forever";
}

TEST(channel_close, the_last_two_receivers_dropped_at_once_close_the_channel) {
    int still_open = 0;
    for (int round = 0; round < 2000; ++round) {
        auto [tx, rx] = chan::mpmc<int>(2);
        drop_two_copies_at_once(rx);
        still_open += tx.is_closed() ? 0 : 1;
    }
    EXPECT_EQ(still_open, 0) << "senders would wait forever on a full channel";
}

TEST(channel_close, send_many_stopped_by_a_timeout_returns_how_many_went) {
    auto main = []() -> rt::task<void> {
        auto [tx, rx] = chan::mpmc<int>(2);
        std::vector<int> items{1, 2, 3, 4};
        std::size_t sent = co_await rt::with_timeout(20ms, tx.send_many(items));
        EXPECT_EQ(sent, 2u);
        EXPECT_EQ(rx.size(), 2u);
        EXPECT_EQ(items[2], 3) << "an item that was not sent stays where it was";
        // Nothing sent before the timeout: the timeout is thrown, as by send().
        EXPECT_THROW((void)co_await rt::with_timeout(20ms, tx.send_many(items)), rt::timeout_error);
    };
    rt::block_on(main(), {.workers = 1});
}

TEST(channel_close, a_rendezvous_send_many_of_a_cancelled_task_throws_at_once) {
    // The task is cancelled while it is queued (its cancel wake is spent
    // there), then reaches a rendezvous send: it must not wait for a receiver.
    auto main = []() -> rt::task<void> {
        auto [tx, rx] = chan::mpmc<int>(0);
        auto victim = rt::spawn(
            [](chan::sender<int, chan::shape::mpmc> tx) -> rt::task<std::size_t> {
                while (!rt::this_task::is_cancelled()) co_await rt::this_task::yield();
                std::vector<int> items{7};
                co_return co_await tx.send_many(items);
            },
            tx);
        co_await rt::this_task::yield();
        victim.cancel();
        co_await rt::sleep_for(50ms);
        EXPECT_TRUE(victim.is_finished()) << "waited for a receiver while cancelled";
        EXPECT_THROW((void)co_await victim, rt::cancelled_error);
        EXPECT_FALSE(rx.try_recv().has_value());
    };
    rt::block_on(main(), {.workers = 1});
}

}  // namespace
