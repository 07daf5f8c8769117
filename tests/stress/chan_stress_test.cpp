// Channels at volume, with ends mixed between tasks and plain threads, and
// waits cut short by timeouts: every item a send accepted is received
// exactly once, and each receiver sees each producer's items in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <rivet/chan/chan.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/spawn.hpp>
#include <rivet/runtime/time.hpp>
#include <thread>
#include <vector>

#include "stress_scale.hpp"

namespace chan = rivet::chan;
namespace rt = rivet::runtime;
using rivet::stress::scaled;
using namespace std::chrono_literals;

namespace {

struct item {
    int producer;
    int seq;
};

struct plan {
    int task_producers = 0;
    int thread_producers = 0;
    int task_consumers = 0;
    int thread_consumers = 0;
    int per_producer = scaled(50'000);
    bool unbounded = false;
    std::size_t capacity = 16;
    bool timeouts = false;  // cut waits short at random, and retry
    int close_after = -1;   // producer 0 closes the channel after this many items
};

/// What the consumers saw: per consumer, the items in the order received.
using received = std::vector<std::vector<item>>;

template <chan::shape S>
struct run {
    using tx_t = chan::sender<item, S>;
    using rx_t = chan::receiver<item, S>;

    plan p;
    std::vector<std::atomic<int>> accepted;  // per producer: sends that succeeded
    received got;
    static inline std::atomic<int> cut_short{0};  // waits that ended in timeout_error

    explicit run(plan pl)
        : p(pl),
          accepted(pl.task_producers + pl.thread_producers),
          got(pl.task_consumers + pl.thread_consumers) {}

    static bool send_with_retry(tx_t& tx, item it, bool timeouts, std::mt19937& rng) {
        for (;;) {
            try {
                if (timeouts) {
                    tx.send_blocking(it, std::chrono::microseconds(rng() % 50));
                } else {
                    tx.send_blocking(it);
                }
                return true;
            } catch (const rt::timeout_error&) {
                cut_short.fetch_add(1, std::memory_order_relaxed);
            } catch (const chan::closed_error&) {
                return false;
            }
        }
    }

    static rt::task<bool> send_task(tx_t& tx, item it, bool timeouts, std::mt19937& rng) {
        for (;;) {
            try {
                if (timeouts) {
                    co_await rt::with_timeout(std::chrono::microseconds(rng() % 50), tx.send(it));
                } else {
                    co_await tx.send(it);
                }
                co_return true;
            } catch (const rt::timeout_error&) {
                cut_short.fetch_add(1, std::memory_order_relaxed);
            } catch (const chan::closed_error&) {
                co_return false;
            }
        }
    }

    void produce_thread(tx_t tx, int id) {
        std::mt19937 rng(id);
        for (int i = 0; i < p.per_producer; ++i) {
            if (id == 0 && i == p.close_after) tx.close();
            if (!send_with_retry(tx, {id, i}, p.timeouts, rng)) return;
            accepted[id].fetch_add(1, std::memory_order_relaxed);
        }
    }

    static rt::task<void> produce_task(run* self, tx_t tx, int id) {
        std::mt19937 rng(id);
        for (int i = 0; i < self->p.per_producer; ++i) {
            if (id == 0 && i == self->p.close_after) tx.close();
            if (!co_await send_task(tx, {id, i}, self->p.timeouts, rng)) co_return;
            self->accepted[id].fetch_add(1, std::memory_order_relaxed);
        }
    }

    void consume_thread(rx_t rx, int id) {
        std::mt19937 rng(100 + id);
        for (;;) {
            try {
                auto v = p.timeouts ? rx.recv_blocking(std::chrono::microseconds(rng() % 50))
                                    : rx.recv_blocking();
                if (!v) return;
                got[id].push_back(*v);
            } catch (const rt::timeout_error&) {
                cut_short.fetch_add(1, std::memory_order_relaxed);
            }
        }
    }

    static rt::task<void> consume_task(run* self, rx_t rx, int id) {
        std::mt19937 rng(100 + id);
        for (;;) {
            try {
                auto v = self->p.timeouts ? co_await rt::with_timeout(
                                                std::chrono::microseconds(rng() % 50), rx.recv())
                                          : co_await rx.recv();
                if (!v) co_return;
                self->got[id].push_back(*v);
            } catch (const rt::timeout_error&) {
                cut_short.fetch_add(1, std::memory_order_relaxed);
            }
        }
    }

    static rt::task<void> tasks(run* self, std::vector<tx_t> txs, std::vector<rx_t> rxs) {
        std::vector<rt::join_handle<void>> hs;
        for (int i = 0; i < self->p.task_producers; ++i) {
            hs.push_back(rt::spawn(produce_task, self, std::move(txs[i]), i));
        }
        for (int i = 0; i < self->p.task_consumers; ++i) {
            hs.push_back(rt::spawn(consume_task, self, std::move(rxs[i]), i));
        }
        txs.clear();
        rxs.clear();
        for (auto& h : hs) co_await h;
    }

    void go() {
        auto [tx, rx] = p.unbounded ? chan::detail::make_channel<item, S>(0, true)
                                    : chan::detail::make_channel<item, S>(p.capacity, false);
        const int producers = p.task_producers + p.thread_producers;
        const int consumers = p.task_consumers + p.thread_consumers;
        std::vector<tx_t> txs;
        std::vector<rx_t> rxs;
        for (int i = 0; i + 1 < producers; ++i) {
            if constexpr (std::is_copy_constructible_v<tx_t>) txs.push_back(tx);
        }
        txs.push_back(std::move(tx));
        for (int i = 0; i + 1 < consumers; ++i) {
            if constexpr (std::is_copy_constructible_v<rx_t>) rxs.push_back(rx);
        }
        rxs.push_back(std::move(rx));
        ASSERT_EQ(static_cast<int>(txs.size()), producers);
        ASSERT_EQ(static_cast<int>(rxs.size()), consumers);

        // Task ends first in each vector, thread ends after them.
        std::vector<std::thread> threads;
        for (int i = p.task_producers; i < producers; ++i) {
            threads.emplace_back(&run::produce_thread, this, std::move(txs[i]), i);
        }
        for (int i = p.task_consumers; i < consumers; ++i) {
            threads.emplace_back(&run::consume_thread, this, std::move(rxs[i]), i);
        }
        txs.resize(p.task_producers);
        rxs.resize(p.task_consumers);
        rt::block_on(tasks(this, std::move(txs), std::move(rxs)), {.workers = 2});
        for (auto& t : threads) t.join();
    }

    /// Every accepted item received once, in order per producer and receiver.
    void check() const {
        if (p.timeouts) {
            EXPECT_GT(cut_short.load(), 0) << "no wait was cut short";
        }
        if (p.close_after >= 0) {
            EXPECT_LT(accepted[0].load(), p.per_producer) << "no close";
        }
        const int producers = p.task_producers + p.thread_producers;
        std::vector<std::vector<int>> seen(producers);
        for (const auto& consumer : got) {
            std::vector<int> last(producers, -1);
            for (const item& it : consumer) {
                ASSERT_GT(it.seq, last[it.producer])
                    << "producer " << it.producer << " out of order";
                last[it.producer] = it.seq;
                seen[it.producer].push_back(it.seq);
            }
        }
        for (int id = 0; id < producers; ++id) {
            std::sort(seen[id].begin(), seen[id].end());
            const int n = accepted[id].load();
            ASSERT_EQ(static_cast<int>(seen[id].size()), n) << "producer " << id;
            for (int i = 0; i < n; ++i) ASSERT_EQ(seen[id][i], i) << "producer " << id;
        }
    }
};

template <chan::shape S>
void stress(plan p) {
    run<S> r(p);
    r.go();
    r.check();
}

TEST(chan_stress, spsc_task_to_thread) {
    stress<chan::shape::spsc>({.task_producers = 1, .thread_consumers = 1});
}

TEST(chan_stress, spsc_unbounded_thread_to_task) {
    stress<chan::shape::spsc>({.thread_producers = 1, .task_consumers = 1, .unbounded = true});
}

TEST(chan_stress, mpsc_tasks_and_threads_to_one_task) {
    stress<chan::shape::mpsc>({.task_producers = 2, .thread_producers = 2, .task_consumers = 1});
}

TEST(chan_stress, mpsc_unbounded_to_one_thread) {
    stress<chan::shape::mpsc>(
        {.task_producers = 2, .thread_producers = 2, .thread_consumers = 1, .unbounded = true});
}

TEST(chan_stress, spmc_one_thread_to_tasks_and_threads) {
    stress<chan::shape::spmc>({.thread_producers = 1, .task_consumers = 2, .thread_consumers = 2});
}

TEST(chan_stress, mpmc_mixed_ends) {
    stress<chan::shape::mpmc>(
        {.task_producers = 2, .thread_producers = 2, .task_consumers = 2, .thread_consumers = 2});
}

TEST(chan_stress, mpmc_unbounded_mixed_ends) {
    stress<chan::shape::mpmc>({.task_producers = 2,
                               .thread_producers = 2,
                               .task_consumers = 2,
                               .thread_consumers = 2,
                               .unbounded = true});
}

TEST(chan_stress, mpmc_rendezvous_mixed_ends) {
    stress<chan::shape::mpmc>({.task_producers = 2,
                               .thread_producers = 2,
                               .task_consumers = 2,
                               .thread_consumers = 2,
                               .per_producer = scaled(10'000),
                               .capacity = 0});
}

TEST(chan_stress, mpmc_rendezvous_waits_cut_short_lose_and_duplicate_nothing) {
    stress<chan::shape::mpmc>({.task_producers = 2,
                               .thread_producers = 2,
                               .task_consumers = 2,
                               .thread_consumers = 2,
                               .per_producer = scaled(5'000),
                               .capacity = 0,
                               .timeouts = true});
}

TEST(chan_stress, mpmc_waits_cut_short_lose_and_duplicate_nothing) {
    stress<chan::shape::mpmc>({.task_producers = 2,
                               .thread_producers = 2,
                               .task_consumers = 2,
                               .thread_consumers = 2,
                               .per_producer = scaled(20'000),
                               .capacity = 4,
                               .timeouts = true});
}

TEST(chan_stress, spsc_waits_cut_short_lose_and_duplicate_nothing) {
    stress<chan::shape::spsc>({.task_producers = 1,
                               .thread_consumers = 1,
                               .per_producer = scaled(20'000),
                               .capacity = 2,
                               .timeouts = true});
}

TEST(chan_stress, a_close_during_sends_keeps_every_accepted_item) {
    stress<chan::shape::mpmc>({.task_producers = 2,
                               .thread_producers = 2,
                               .task_consumers = 2,
                               .thread_consumers = 2,
                               .capacity = 8,
                               .close_after = scaled(20'000)});
}

}  // namespace
