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
#include <rivet/runtime/runtime.hpp>
#include <thread>

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

}  // namespace
