// Waiting on channels: tasks suspend, threads park, and every wait can end
// early (close, cancellation, timeout) without losing or duplicating items.
#include <gtest/gtest.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <rivet/chan/chan.hpp>
#include <rivet/runtime/event.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/spawn.hpp>
#include <rivet/runtime/time.hpp>
#include <thread>
#include <vector>

namespace chan = rivet::chan;
namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

TEST(channel_wait, tasks_on_two_workers_pass_every_item_in_order) {
    auto main = []() -> rt::task<long> {
        auto [tx, rx] = chan::spsc<long>(4);
        auto producer = rt::spawn(
            [](chan::sender<long, chan::shape::spsc> tx) -> rt::task<void> {
                for (long i = 0; i < 100'000; ++i) co_await tx.send(i);
            },
            std::move(tx));
        long expected = 0;
        while (auto v = co_await rx.recv()) {
            if (*v != expected) co_return -1;
            ++expected;
        }
        co_await producer;
        co_return expected;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 100'000);
}

TEST(channel_wait, a_notification_that_finds_the_task_still_running_does_not_end_its_next_wait) {
    // A receiver links itself as a waiter, then finds the item already there
    // and goes on without suspending, while the sender's notification wakes
    // it anyway. That wake must not resume the receiver's next wait (here on
    // an event nobody has set yet, which would throw cancelled_error). A
    // thread sends at uneven intervals so that some sends land in that window.
    constexpr int items = 20'000;
    auto [tx, rx] = chan::spsc<int>(1);
    std::thread sender([tx = std::move(tx)]() mutable {
        unsigned pause = 1;
        for (int i = 0; i < items; ++i) {
            pause = pause * 1103515245u + 12345u;
            const auto until =
                std::chrono::steady_clock::now() + std::chrono::nanoseconds((pause >> 16) % 4000);
            while (std::chrono::steady_clock::now() < until) {
            }
            try {
                tx.send_blocking(i);
            } catch (const chan::send_error<int>&) {
                return;  // the receiver failed and left
            }
        }
    });
    auto receive = [](chan::receiver<int, chan::shape::spsc> rx) -> rt::task<int> {
        int received = 0;
        while (auto v = co_await rx.recv()) {
            if (*v != received) co_return -1;
            ++received;
            auto set_later = std::make_shared<rt::event>();
            auto setter = rt::spawn(
                [](std::shared_ptr<rt::event> e) -> rt::task<void> {
                    co_await rt::this_task::yield();
                    e->set();
                },
                set_later);
            co_await set_later->wait();  // throws cancelled_error if resumed early
            co_await setter;
        }
        co_return received;
    };
    int received = -1;
    try {
        received = rt::block_on(receive(std::move(rx)), {.workers = 2});
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
    }
    sender.join();
    EXPECT_EQ(received, items);
}

// On one worker, with another task spawned and runnable: whether that task
// ran before `sends` (given the channel's sender) returned.
template <class Sends>
bool another_task_ran_during(Sends sends) {
    auto main = [](Sends sends) -> rt::task<bool> {
        auto [tx, rx] = chan::mpsc<int>(chan::unbounded);
        auto ran = std::make_shared<std::atomic<bool>>(false);
        auto other = rt::spawn(
            [](std::shared_ptr<std::atomic<bool>> ran) -> rt::task<void> {
                ran->store(true);
                co_return;
            },
            ran);
        co_await sends(tx);
        bool ran_meanwhile = ran->load();
        co_await other;
        co_return ran_meanwhile;
    };
    return rt::block_on(main(std::move(sends)), {.workers = 1});
}

using mpsc_sender = chan::sender<int, chan::shape::mpsc>;

TEST(channel_wait, a_task_whose_channel_is_always_ready_lets_others_run) {
    // A sender that never has to wait must still yield, or the other task
    // would run only after it. (Also bounds the stack in builds without tail
    // calls: a million sends complete at once here.)
    EXPECT_TRUE(another_task_ran_during([](mpsc_sender& tx) -> rt::task<void> {
        for (int i = 0; i < 1'000'000; ++i) co_await tx.send(i);
    }));
}

TEST(channel_wait, a_send_many_that_always_finds_room_lets_others_run) {
    EXPECT_TRUE(another_task_ran_during([](mpsc_sender& tx) -> rt::task<void> {
        std::vector<int> items(100'000, 7);
        EXPECT_EQ(co_await tx.send_many(items), items.size());
    }));
}

// A task that finds its channel empty (full) gives way once before it waits:
// when its partner shares its worker, the partner refills (drains) the ring
// meanwhile, so neither side ever registers as a waiter (no system call, no
// wake). The sender looks at the receivers' waitlist before each send and the
// receiver at the senders' one, over a ring small enough to fill.
TEST(channel_wait, partners_on_one_worker_never_register_as_waiters) {
    using waitlist = chan::detail::waitlist;
    auto main = []() -> rt::task<long> {
        auto [tx, rx] = chan::spsc<long>(4);
        waitlist* receivers = &rx.channel()->receivers();
        waitlist* senders = &rx.channel()->senders();
        auto producer = rt::spawn(
            [](chan::sender<long, chan::shape::spsc> tx, waitlist* receivers) -> rt::task<long> {
                long seen = 0;
                for (long i = 0; i < 100'000; ++i) {
                    seen += receivers->count().load();
                    co_await tx.send(i);
                }
                co_return seen;
            },
            std::move(tx), receivers);
        auto consumer = rt::spawn(
            [](chan::receiver<long, chan::shape::spsc> rx, waitlist* senders) -> rt::task<long> {
                long seen = 0;
                long expected = 0;
                while (auto v = co_await rx.recv()) {
                    if (*v != expected++) co_return -1;
                    seen += senders->count().load();
                }
                co_return expected == 100'000 ? seen : -1;
            },
            std::move(rx), senders);
        const long seen_by_producer = co_await producer;
        const long seen_by_consumer = co_await consumer;
        co_return seen_by_producer + seen_by_consumer;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 1}), 0);
}

TEST(channel_wait, a_send_cancelled_while_it_gives_way_sends_nothing) {
    auto main = []() -> rt::task<std::vector<int>> {
        auto [tx, rx] = chan::mpsc<int>(2);
        co_await tx.send(1);
        co_await tx.send(2);
        auto victim = rt::spawn(
            [](chan::sender<int, chan::shape::mpsc> tx) -> rt::task<void> { co_await tx.send(3); },
            tx);
        co_await rt::this_task::yield();  // the victim finds the ring full and gives way
        victim.cancel();
        EXPECT_THROW(co_await victim, rt::cancelled_error);
        tx.close();
        std::vector<int> got;
        while (auto v = co_await rx.recv()) got.push_back(*v);
        co_return got;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 1}), (std::vector<int>{1, 2}));
}

// recv() hands word-sized scalars on through a vector register (see
// detail::move_out); what a task receives is what was sent, bit for bit.
TEST(channel_wait, a_task_receives_word_sized_scalars_intact) {
    auto main = []() -> rt::task<bool> {
        auto [dtx, drx] = chan::spsc<double>(8);
        auto [ptx, prx] = chan::mpmc<const char*>(8);
        static const char text[] = "x";
        co_await dtx.send(-0.0);
        co_await dtx.send(1e300);
        co_await ptx.send(text);
        co_await ptx.send(nullptr);
        dtx.close();
        ptx.close();
        const auto a = co_await drx.recv();
        const auto b = co_await drx.recv();
        const auto end = co_await drx.recv();
        const auto p = co_await prx.recv();
        const auto null = co_await prx.recv();
        const auto pend = co_await prx.recv();
        co_return a&& std::signbit(*a) && *a == 0.0 && b == 1e300 && !end && p == text &&
            null.has_value() && *null == nullptr && !pend;
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(channel_wait, closing_wakes_every_waiting_receiver_with_the_end) {
    auto main = []() -> rt::task<int> {
        auto [tx, rx] = chan::mpmc<int>(4);
        std::vector<rt::join_handle<bool>> waiting;
        for (int i = 0; i < 8; ++i) {
            waiting.push_back(rt::spawn(
                [](chan::receiver<int, chan::shape::mpmc> rx) -> rt::task<bool> {
                    co_return !(co_await rx.recv()).has_value();
                },
                rx));
        }
        co_await rt::sleep_for(10ms);
        tx.close();
        int ended = 0;
        for (auto& h : waiting) ended += (co_await h) ? 1 : 0;
        co_return ended;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 8);
}

/// Cancels a receiving task once it waits on an empty channel: after a 5 ms
/// sleep on two workers (it is suspended), or, on one worker, after one yield
/// of the main task (it is between give-way rounds, see channel.hpp). It
/// must end cancelled, and the item sent afterwards must still be there.
int cancel_a_waiting_receive(bool while_it_gives_way) {
    auto main = [](bool while_it_gives_way) -> rt::task<int> {
        auto [tx, rx] = chan::spmc<int>(4);
        auto victim = rt::spawn(
            [](chan::receiver<int, chan::shape::spmc> rx) -> rt::task<int> {
                auto v = co_await rx.recv();
                co_return v.value_or(-1);
            },
            rx);
        if (while_it_gives_way) {
            co_await rt::this_task::yield();
        } else {
            co_await rt::sleep_for(5ms);
        }
        victim.cancel();
        EXPECT_THROW(co_await victim, rt::cancelled_error);
        co_await tx.send(42);
        co_return (co_await rx.recv()).value_or(-1);
    };
    return rt::block_on(main(while_it_gives_way), {.workers = while_it_gives_way ? 1u : 2u});
}

TEST(channel_wait, a_cancelled_receive_takes_no_item) {
    EXPECT_EQ(cancel_a_waiting_receive(false), 42);
}

TEST(channel_wait, a_receive_cancelled_while_it_gives_way_takes_no_item) {
    EXPECT_EQ(cancel_a_waiting_receive(true), 42);
}

TEST(channel_wait, a_receive_under_a_timeout_ends_with_timeout_error_and_takes_nothing) {
    auto main = []() -> rt::task<int> {
        auto [tx, rx] = chan::mpsc<int>(chan::unbounded);
        EXPECT_THROW(co_await rt::with_timeout(5ms, rx.recv()), rt::timeout_error);
        co_await tx.send(3);
        auto v = co_await rt::with_timeout(1s, rx.recv());
        co_return v.value_or(-1);
    };
    EXPECT_EQ(rt::block_on(main()), 3);
}

TEST(channel_wait, a_send_waits_while_full_and_a_cancelled_one_sends_nothing) {
    auto main = []() -> rt::task<std::vector<int>> {
        auto [tx, rx] = chan::mpsc<int>(2);
        co_await tx.send(1);
        co_await tx.send(2);
        EXPECT_THROW(co_await rt::with_timeout(5ms, tx.send(99)), rt::timeout_error);
        auto blocked = rt::spawn(
            [](chan::sender<int, chan::shape::mpsc> tx) -> rt::task<void> { co_await tx.send(3); },
            tx);
        co_await rt::sleep_for(5ms);
        EXPECT_FALSE(blocked.is_finished());
        std::vector<int> got;
        got.push_back(*co_await rx.recv());  // makes room: the blocked send completes
        co_await blocked;
        tx.close();
        while (auto v = co_await rx.recv()) got.push_back(*v);
        co_return got;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), (std::vector<int>{1, 2, 3}));
}

TEST(channel_wait, a_waiting_send_fails_with_its_value_when_the_channel_closes) {
    auto main = []() -> rt::task<int> {
        auto [tx, rx] = chan::spsc<std::unique_ptr<int>>(1);
        co_await tx.send(std::make_unique<int>(1));
        auto closer = rt::spawn(
            [](chan::receiver<std::unique_ptr<int>, chan::shape::spsc> rx) -> rt::task<void> {
                co_await rt::sleep_for(5ms);
                rx.close();
                co_return;
            },
            std::move(rx));
        int given_back = -1;
        try {
            co_await tx.send(std::make_unique<int>(2));
        } catch (const chan::send_error<std::unique_ptr<int>>& e) {
            given_back = *e.value();
        }
        co_await closer;
        co_return given_back;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 2);
}

TEST(channel_wait, threads_and_tasks_talk_both_ways) {
    auto [to_task, task_rx] = chan::spsc<int>(8);
    auto [task_tx, from_task] = chan::spsc<int>(8);
    std::thread peer([tx = std::move(to_task), rx = std::move(from_task)]() mutable {
        for (int i = 0; i < 10'000; ++i) {
            tx.send_blocking(i);
            if (rx.recv_blocking() != i * 2) std::abort();
        }
    });
    auto echo = [](chan::receiver<int, chan::shape::spsc> rx,
                   chan::sender<int, chan::shape::spsc> tx) -> rt::task<int> {
        int n = 0;
        while (auto v = co_await rx.recv()) {
            co_await tx.send(*v * 2);
            ++n;
        }
        co_return n;
    };
    EXPECT_EQ(rt::block_on(echo(std::move(task_rx), std::move(task_tx)), {.workers = 2}), 10'000);
    peer.join();
}

TEST(channel_wait, a_blocking_receive_times_out_and_takes_nothing) {
    auto [tx, rx] = chan::mpmc<int>(4);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW((void)rx.recv_blocking(20ms), rt::timeout_error);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
    ASSERT_TRUE(tx.try_send(5));
    EXPECT_EQ(rx.recv_blocking(1s), 5);
}

TEST(channel_wait, a_blocking_send_times_out_and_sends_nothing) {
    auto [tx, rx] = chan::spsc<int>(1);
    tx.send_blocking(1);
    EXPECT_THROW(tx.send_blocking(2, 20ms), rt::timeout_error);
    EXPECT_EQ(rx.try_recv(), 1);
    EXPECT_EQ(rx.try_recv(), std::nullopt);
}

TEST(channel_wait, a_parked_thread_uses_no_cpu_and_wakes_on_close) {
    auto [tx, rx] = chan::spsc<int>(4);
    std::atomic<long> cpu_ns{-1};
    std::thread waiter([&cpu_ns, rx = std::move(rx)]() mutable {
        timespec a{}, b{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        const bool ended = !rx.recv_blocking().has_value();
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        cpu_ns = ended ? (b.tv_sec - a.tv_sec) * 1'000'000'000L + (b.tv_nsec - a.tv_nsec) : -2;
    });
    std::this_thread::sleep_for(300ms);
    tx.close();
    waiter.join();
    EXPECT_GE(cpu_ns.load(), 0);
    EXPECT_LT(cpu_ns.load(), 30'000'000L);  // 300 ms parked: well under 10% of it on CPU
}

TEST(channel_wait, send_many_and_recv_many_move_batches) {
    auto main = []() -> rt::task<std::vector<int>> {
        auto [tx, rx] = chan::mpmc<int>(4);
        auto producer = rt::spawn(
            [](chan::sender<int, chan::shape::mpmc> tx) -> rt::task<std::size_t> {
                std::vector<int> items{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
                co_return co_await tx.send_many(items);
            },
            tx);
        std::vector<int> got;
        while (got.size() < 10) {
            const std::size_t n = co_await rx.recv_many(got, 3);
            EXPECT_GE(n, 1u);
            EXPECT_LE(n, 3u);
        }
        EXPECT_EQ(co_await producer, 10u);
        tx.close();
        EXPECT_EQ(co_await rx.recv_many(got, 3), 0u);
        co_return got;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}),
              (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(channel_wait, send_many_stops_at_a_close_and_keeps_the_rest) {
    auto main = []() -> rt::task<std::size_t> {
        auto [tx, rx] = chan::spsc<int>(2);
        std::vector<int> items{1, 2, 3, 4};
        auto closer = rt::spawn(
            [](chan::receiver<int, chan::shape::spsc> rx) -> rt::task<void> {
                while (rx.size() < 2) co_await rt::sleep_for(1ms);  // the sender waits for room
                co_await rt::sleep_for(5ms);
                rx.close();
            },
            std::move(rx));
        const std::size_t sent = co_await tx.send_many(items);
        co_await closer;
        EXPECT_EQ(items[2], 3);  // given back
        EXPECT_EQ(items[3], 4);
        co_return sent;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 2u);
}

}  // namespace
