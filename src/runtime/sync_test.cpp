#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <rivet/runtime/event.hpp>
#include <rivet/runtime/mutex.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/semaphore.hpp>
#include <rivet/runtime/time.hpp>
#include <rivet/runtime/wait_group.hpp>
#include <thread>
#include <vector>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

TEST(mutex, excludes_under_contention_across_workers) {
    // A plain counter incremented under the lock, with suspensions inside the
    // critical section, ends exact (and TSan sees no race on it).
    struct shared {
        rt::mutex m;
        long counter = 0;
    };
    auto main = []() -> rt::task<long> {
        auto s = std::make_shared<shared>();
        std::vector<rt::join_handle<void>> hs;
        for (int t = 0; t < 50; ++t) {
            hs.push_back(rt::spawn(
                [](std::shared_ptr<shared> s) -> rt::task<void> {
                    for (int i = 0; i < 200; ++i) {
                        auto guard = co_await s->m.lock();
                        long seen = s->counter;
                        if (i % 16 == 0) co_await rt::this_task::yield();
                        s->counter = seen + 1;
                    }
                },
                s));
        }
        for (auto& h : hs) co_await h;
        co_return s->counter;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 50 * 200);
}

TEST(mutex, hands_the_lock_to_waiters_in_arrival_order) {
    auto main = []() -> rt::task<std::vector<int>> {
        rt::mutex m;
        std::vector<int> order;
        auto held = co_await m.lock();
        std::vector<rt::join_handle<void>> hs;
        for (int i = 0; i < 5; ++i) {
            hs.push_back(rt::spawn(
                [](rt::mutex* m, std::vector<int>* order, int i) -> rt::task<void> {
                    auto g = co_await m->lock();
                    order->push_back(i);
                },
                &m, &order, i));
            co_await rt::sleep_for(2ms);  // let each one queue before the next
        }
        held.unlock();
        for (auto& h : hs) co_await h;
        co_return order;
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 1}), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(mutex, try_lock_fails_while_held) {
    auto main = []() -> rt::task<bool> {
        rt::mutex m;
        auto g = m.try_lock();
        bool second = m.try_lock().owns_lock();
        g.unlock();
        co_return g.owns_lock() == false && !second && m.try_lock().owns_lock();
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(semaphore, cancellation_races_never_lose_or_duplicate_permits) {
    // Tasks queue on a semaphore; half of them are cancelled while others
    // release. Afterwards every permit is back and none was duplicated.
    constexpr int permits = 3;
    auto main = []() -> rt::task<bool> {
        rt::semaphore sem(permits);
        auto inside = std::make_shared<std::atomic<int>>(0);
        auto overlap = std::make_shared<std::atomic<bool>>(false);
        for (int round = 0; round < 20; ++round) {
            std::vector<rt::join_handle<void>> hs;
            for (int i = 0; i < 40; ++i) {
                hs.push_back(rt::spawn(
                    [](rt::semaphore* s, std::shared_ptr<std::atomic<int>> in,
                       std::shared_ptr<std::atomic<bool>> bad) -> rt::task<void> {
                        co_await s->acquire();
                        struct permit {  // released however the task ends
                            rt::semaphore* s;
                            std::atomic<int>* in;
                            ~permit() {
                                in->fetch_sub(1);
                                s->release();
                            }
                        };
                        if (in->fetch_add(1) + 1 > permits) bad->store(true);
                        permit held{s, in.get()};
                        co_await rt::this_task::yield();
                    },
                    &sem, inside, overlap));
            }
            co_await rt::this_task::yield();
            for (int i = 0; i < 40; i += 2) hs[i].cancel();
            for (auto& h : hs) {
                try {
                    co_await h;
                } catch (const rt::cancelled_error&) {
                }
            }
        }
        co_return !overlap->load() && sem.available() == permits;
    };
    EXPECT_TRUE(rt::block_on(main(), {.workers = 2}));
}

TEST(semaphore, a_large_request_at_the_head_is_not_starved) {
    auto main = []() -> rt::task<bool> {
        rt::semaphore sem(0);
        auto big =
            rt::spawn([](rt::semaphore* s) -> rt::task<void> { co_await s->acquire(3); }, &sem);
        co_await rt::sleep_for(2ms);
        EXPECT_FALSE(sem.try_acquire(1));  // someone is queued: no barging
        sem.release(2);
        co_await rt::sleep_for(2ms);
        bool waiting = !big.is_finished();
        sem.release(1);
        co_await big;
        co_return waiting&& sem.available() == 0;
    };
    EXPECT_TRUE(rt::block_on(main()));
}

TEST(event, set_from_a_plain_thread_wakes_every_waiting_task) {
    auto main = []() -> rt::task<int> {
        rt::event e;
        auto woken = std::make_shared<std::atomic<int>>(0);
        std::vector<rt::join_handle<void>> hs;
        for (int i = 0; i < 10; ++i) {
            hs.push_back(rt::spawn(
                [](rt::event* e, std::shared_ptr<std::atomic<int>> w) -> rt::task<void> {
                    co_await e->wait();
                    w->fetch_add(1);
                },
                &e, woken));
        }
        co_await rt::sleep_for(5ms);
        int before = woken->load();
        std::thread setter([&e] { e.set(); });
        for (auto& h : hs) co_await h;
        setter.join();
        co_await e.wait();  // already set: passes at once
        co_return before * 100 + woken->load();
    };
    EXPECT_EQ(rt::block_on(main(), {.workers = 2}), 10);
}

TEST(event, a_cancelled_waiter_leaves_and_others_still_wake) {
    auto main = []() -> rt::task<int> {
        rt::event e;
        auto waiter = [](rt::event* e) -> rt::task<int> {
            co_await e->wait();
            co_return 1;
        };
        auto a = rt::spawn(waiter, &e);
        auto b = rt::spawn(waiter, &e);
        co_await rt::sleep_for(2ms);
        a.cancel();
        int result = 0;
        try {
            co_await a;
        } catch (const rt::cancelled_error&) {
            result += 10;
        }
        e.set();
        result += co_await b;
        co_return result;
    };
    EXPECT_EQ(rt::block_on(main()), 11);
}

TEST(wait_group, waits_for_done_calls_from_threads) {
    auto main = []() -> rt::task<int> {
        rt::wait_group wg;
        std::atomic<int> finished{0};
        wg.add(4);
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&] {
                std::this_thread::sleep_for(5ms);
                finished.fetch_add(1);
                wg.done();
            });
        }
        co_await wg.wait();
        int seen = finished.load();
        for (auto& t : threads) t.join();
        co_return seen;
    };
    EXPECT_EQ(rt::block_on(main()), 4);
}

TEST(wait_group, may_be_destroyed_as_soon_as_wait_returns) {
    // done() on a plain thread may still be inside the group when the waiter
    // wakes; the waiter frees the group at once (ASan/TSan watch this).
    auto main = []() -> rt::task<bool> {
        for (int i = 0; i < 200; ++i) {
            auto* wg = new rt::wait_group;
            wg->add(1);
            std::thread t([wg] { wg->done(); });
            co_await wg->wait();
            delete wg;
            t.join();
        }
        co_return true;
    };
    EXPECT_TRUE(rt::block_on(main(), {.workers = 2}));
}

TEST(event, may_be_destroyed_as_soon_as_wait_returns) {
    auto main = []() -> rt::task<bool> {
        for (int i = 0; i < 200; ++i) {
            auto* e = new rt::event;
            std::thread t([e] { e->set(); });
            co_await e->wait();
            delete e;
            t.join();
        }
        co_return true;
    };
    EXPECT_TRUE(rt::block_on(main(), {.workers = 2}));
}

TEST(wait_group, more_done_than_add_is_a_logic_error) {
    rt::wait_group wg;
    wg.add(1);
    wg.done();
    EXPECT_THROW(wg.done(), std::logic_error);
    EXPECT_EQ(wg.count(), 0);
}

}  // namespace
