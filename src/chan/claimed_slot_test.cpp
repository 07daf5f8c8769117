// Waiting behind a position of an mpmc ring that another party has claimed
// and not yet finished: a sender preempted between its claim and its write,
// or a receiver between its claim and its read. The waiter must sleep until
// that party is done, not spin (it used to see the claimed position as
// ready, and went round its wait loop, a membarrier each turn, for as long
// as the other was held up).
#include <gtest/gtest.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <rivet/chan/chan.hpp>
#include <rivet/chan/select.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/time.hpp>
#include <thread>
#include <variant>

namespace chan = rivet::chan;
namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

// An item whose move stalls while `stall_moves` is set, the first time only:
// the party moving it into or out of a slot is held up between its claim
// and its write or read, as a preempted thread would be.
struct stalling_item {
    static inline std::atomic<bool> stall_moves{false};
    static inline std::atomic<bool> stalled{false};
    static inline std::atomic<bool> released{false};

    int value = 0;

    explicit stalling_item(int v) : value(v) {}
    stalling_item(stalling_item&& other) noexcept : value(other.value) {
        if (stall_moves.exchange(false)) {
            stalled = true;
            while (!released) std::this_thread::sleep_for(1ms);
        }
    }
    stalling_item& operator=(stalling_item&&) noexcept = default;

    static void arm() {
        stalled = false;
        released = false;
        stall_moves = true;
    }
    static void wait_until_stalled() {
        while (!stalled) std::this_thread::sleep_for(1ms);
    }
};

using item_sender = chan::sender<stalling_item, chan::shape::mpmc>;
using item_receiver = chan::receiver<stalling_item, chan::shape::mpmc>;

// The whole process's: a task waits on a worker thread of its own.
long process_cpu_ns() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1'000'000'000L + t.tv_nsec;
}

constexpr auto held_up = 300ms;
constexpr long most_cpu_ns = 30'000'000L;  // well under 10% of the time held up

// Runs `wait` on a thread while the stalled party is held up, then lets the
// party go; returns the CPU time the process spent meanwhile.
template <class Wait>
long cpu_of_waiting_behind_the_stall(Wait wait) {
    stalling_item::wait_until_stalled();
    const long start = process_cpu_ns();
    std::thread waiter(wait);
    std::this_thread::sleep_for(held_up);
    stalling_item::released = true;
    waiter.join();
    return process_cpu_ns() - start;
}

TEST(claimed_slot, a_thread_waiting_behind_an_unwritten_item_sleeps) {
    auto [tx, rx] = chan::mpmc<stalling_item>(4);
    stalling_item::arm();
    std::thread sender([tx = std::move(tx)]() mutable { tx.send_blocking(stalling_item(7)); });
    const long cpu_ns = cpu_of_waiting_behind_the_stall([&rx = rx] {
        const std::optional<stalling_item> got = rx.recv_blocking(5s);
        EXPECT_EQ(got->value, 7);
    });
    sender.join();
    EXPECT_LT(cpu_ns, most_cpu_ns);
}

TEST(claimed_slot, a_thread_waiting_for_room_behind_an_unread_item_sleeps) {
    auto [tx, rx] = chan::mpmc<stalling_item>(2);
    tx.send_blocking(stalling_item(1));
    tx.send_blocking(stalling_item(2));
    stalling_item::arm();
    std::thread receiver([rx = std::move(rx)]() mutable {
        EXPECT_EQ(rx.recv_blocking(5s)->value, 1);
        EXPECT_EQ(rx.recv_blocking(5s)->value, 2);
        EXPECT_EQ(rx.recv_blocking(5s)->value, 3);
    });
    const long cpu_ns =
        cpu_of_waiting_behind_the_stall([&tx = tx] { tx.send_blocking(stalling_item(3), 5s); });
    receiver.join();
    EXPECT_LT(cpu_ns, most_cpu_ns);
}

TEST(claimed_slot, a_task_waiting_behind_an_unwritten_item_lets_its_worker_sleep) {
    auto [tx, rx] = chan::mpmc<stalling_item>(4);
    stalling_item::arm();
    std::thread sender([tx = std::move(tx)]() mutable { tx.send_blocking(stalling_item(7)); });
    const long cpu_ns = cpu_of_waiting_behind_the_stall([&rx = rx] {
        auto receive = [](item_receiver& rx) -> rt::task<int> {
            co_return (co_await rx.recv())->value;
        };
        EXPECT_EQ(rt::block_on(receive(rx), {.workers = 1}), 7);
    });
    sender.join();
    EXPECT_LT(cpu_ns, most_cpu_ns);
}

// Two receivers wait on an empty ring. Sender A claims position 0 and is
// held up before its write; sender B writes position 1 and wakes one
// receiver, which finds position 0 unwritten and waits again (B's wake is
// spent). A's write wakes one receiver, which takes item 0 and must pass
// the wake on: item 1 is there and the other receiver still waits.
// (Found by review: the second receiver slept with item 1 in the ring.)
// A waiter left asleep wakes only at its timeout (`patience`), and then
// finds the item: the time the last item takes after the late write shows
// it.
constexpr auto patience = 5s;
constexpr auto prompt = 1s;

template <class Receive>
void every_item_promptly_when_a_late_write_holds_up_a_later_one(Receive receive) {
    auto [tx, rx] = chan::mpmc<stalling_item>(4);
    std::atomic<int> got{0};
    std::thread waiting([&got, rx = rx, &receive]() mutable { got = receive(rx); });
    std::this_thread::sleep_for(100ms);  // both receivers wait
    stalling_item::arm();
    std::thread late([tx = tx]() mutable { tx.send_blocking(stalling_item(0)); });
    stalling_item::wait_until_stalled();
    EXPECT_TRUE(tx.try_send(stalling_item(1)));
    std::this_thread::sleep_for(100ms);  // the woken receiver tries, and waits again
    const auto released = std::chrono::steady_clock::now();
    stalling_item::released = true;
    late.join();
    waiting.join();
    EXPECT_EQ(got, 2);
    EXPECT_LT(std::chrono::steady_clock::now() - released, prompt)
        << "an item stayed in the ring while a receiver waited";
}

TEST(claimed_slot, threads_waiting_behind_a_late_write_receive_every_item) {
    every_item_promptly_when_a_late_write_holds_up_a_later_one([](item_receiver& rx) {
        std::atomic<int> got{0};
        auto receive = [&got](item_receiver rx) {
            try {
                if (rx.recv_blocking(patience)) ++got;
            } catch (const rt::timeout_error&) {
            }
        };
        std::thread a(receive, rx), b(receive, rx);
        a.join();
        b.join();
        return got.load();
    });
}

// Two tasks on two workers, each receiving once through `receive_once`
// (a coroutine returning 1 for an item); how many items they got.
template <class ReceiveOnce>
int received_by_two_tasks(item_receiver& rx, ReceiveOnce receive_once) {
    auto main = [](item_receiver rx, ReceiveOnce receive_once) -> rt::task<int> {
        auto a = rt::spawn(receive_once, rx);
        auto b = rt::spawn(receive_once, rx);
        co_return co_await a + co_await b;
    };
    return rt::block_on(main(rx, receive_once), {.workers = 2});
}

TEST(claimed_slot, tasks_waiting_behind_a_late_write_receive_every_item) {
    every_item_promptly_when_a_late_write_holds_up_a_later_one([](item_receiver& rx) {
        return received_by_two_tasks(rx, [](item_receiver rx) -> rt::task<int> {
            try {
                co_return (co_await rt::with_timeout(patience, rx.recv())) ? 1 : 0;
            } catch (const rt::timeout_error&) {
            }
            co_return 0;
        });
    });
}

TEST(claimed_slot, a_select_waiting_behind_a_late_write_passes_the_wake_on) {
    every_item_promptly_when_a_late_write_holds_up_a_later_one([](item_receiver& rx) {
        return received_by_two_tasks(rx, [](item_receiver rx) -> rt::task<int> {
            auto [other_tx, other] = chan::mpmc<stalling_item>(1);
            try {
                auto r = co_await rt::with_timeout(patience, chan::select(rx, other));
                co_return r.index() == 0 && std::get<0>(r).has_value() ? 1 : 0;
            } catch (const rt::timeout_error&) {
            }
            co_return 0;
        });
    });
}

// The senders' side: two senders wait on a full ring; receiver A claims
// position 0 and is held up before its read; receiver B frees position 1
// and wakes one sender, which finds position 0's slot not free and waits
// again. A's read wakes one sender, which must pass the wake on.
TEST(claimed_slot, threads_waiting_for_room_behind_a_late_read_send_every_item) {
    auto [tx, rx] = chan::mpmc<stalling_item>(2);
    tx.send_blocking(stalling_item(10));
    tx.send_blocking(stalling_item(11));
    std::atomic<int> sent{0};
    auto send = [&sent](item_sender tx, int v) {
        try {
            tx.send_blocking(stalling_item(v), patience);
            ++sent;
        } catch (const rt::timeout_error&) {
        }
    };
    std::thread a(send, tx, 1), b(send, tx, 2);
    std::this_thread::sleep_for(100ms);  // both senders wait
    stalling_item::arm();
    std::thread late([rx = rx]() mutable { (void)rx.try_recv(); });
    stalling_item::wait_until_stalled();
    EXPECT_TRUE(rx.try_recv().has_value());
    std::this_thread::sleep_for(100ms);
    const auto released = std::chrono::steady_clock::now();
    stalling_item::released = true;
    late.join();
    a.join();
    b.join();
    EXPECT_EQ(sent.load(), 2);
    EXPECT_LT(std::chrono::steady_clock::now() - released, prompt)
        << "room stayed free while a sender waited";
}

}  // namespace
