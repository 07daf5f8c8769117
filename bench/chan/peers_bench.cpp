// The C++ peers of the chan suite, one case per invocation, one number on
// stdout. Each peer is used as its documentation recommends for speed:
//   boost              boost::lockfree::spsc_queue (spsc) / boost::lockfree::queue
//                      (mpmc), fixed capacity 1024, spinning on push/pop
//   moodycamel         ReaderWriterQueue (spsc, try_enqueue within its 1024
//                      preallocated slots) / ConcurrentQueue without tokens (mpmc)
//   moodycamel-cq      ConcurrentQueue without tokens, in the spsc cases
//   moodycamel-tokens  ConcurrentQueue with a token per producer and consumer
//   mutex              std::mutex + std::deque + two condition variables, capacity 1024
// The lock-free peers cannot wait, so their threads spin: they are measured at
// their best, burning a core whenever idle.
//
//   <impl> spsc <n> | rtt <n> | mpmc <producers> <consumers> <n> | bytes <n>
#include <concurrentqueue.h>
#include <malloc.h>
#include <readerwriterqueue.h>

#include <atomic>
#include <boost/lockfree/queue.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using clock_type = std::chrono::steady_clock;
using item = std::uint64_t;

namespace {

constexpr std::size_t capacity = 1024;

double ns_per(clock_type::time_point start, long n) {
    return std::chrono::duration<double, std::nano>(clock_type::now() - start).count() /
           static_cast<double>(n);
}

/// The channel people write first: a bounded deque under a mutex.
class mutex_channel {
public:
    void send(item v) {
        std::unique_lock lock(m_);
        not_full_.wait(lock, [this] { return q_.size() < capacity; });
        q_.push_back(v);
        not_empty_.notify_one();
    }
    std::optional<item> recv() {
        std::unique_lock lock(m_);
        not_empty_.wait(lock, [this] { return !q_.empty() || closed_; });
        if (q_.empty()) return std::nullopt;
        item v = q_.front();
        q_.pop_front();
        not_full_.notify_one();
        return v;
    }
    void close() {
        std::lock_guard lock(m_);
        closed_ = true;
        not_empty_.notify_all();
    }

private:
    std::mutex m_;
    std::condition_variable not_empty_, not_full_;
    std::deque<item> q_;
    bool closed_ = false;
};

// Each queue behind one interface: push spins until accepted, pop tries once.
struct boost_spsc {
    boost::lockfree::spsc_queue<item, boost::lockfree::capacity<capacity>> q;
    void push(item v) {
        while (!q.push(v)) {
        }
    }
    bool try_pop(item& v) { return q.pop(v); }
};
struct boost_mpmc {
    boost::lockfree::queue<item, boost::lockfree::capacity<capacity>> q;
    void push(item v) {
        while (!q.push(v)) {
        }
    }
    bool try_pop(item& v) { return q.pop(v); }
};
struct rwq {
    moodycamel::ReaderWriterQueue<item> q{capacity};
    void push(item v) {
        while (!q.try_enqueue(v)) {
        }
    }
    bool try_pop(item& v) { return q.try_dequeue(v); }
};
struct cq {
    moodycamel::ConcurrentQueue<item> q{capacity};
    void push(item v) { q.enqueue(v); }
    bool try_pop(item& v) { return q.try_dequeue(v); }
};

template <class Q>
double spsc(long n) {
    auto q = std::make_unique<Q>();
    std::uint64_t sum = 0;
    const auto start = clock_type::now();
    std::thread consumer([&] {
        std::uint64_t local = 0;  // not `sum`: it shares a line with the producer's stack
        item v;
        for (long got = 0; got < n;) {
            if (q->try_pop(v)) {
                local += v;
                ++got;
            }
        }
        sum = local;
    });
    for (long i = 0; i < n; ++i) q->push(static_cast<item>(i));
    consumer.join();
    const double ns = ns_per(start, n);
    if (sum != static_cast<item>(n) * (n - 1) / 2) std::abort();
    return ns;
}

double spsc_mutex(long n) {
    mutex_channel ch;
    std::uint64_t sum = 0;
    const auto start = clock_type::now();
    std::thread consumer([&] {
        std::uint64_t local = 0;
        while (auto v = ch.recv()) local += *v;
        sum = local;
    });
    for (long i = 0; i < n; ++i) ch.send(static_cast<item>(i));
    ch.close();
    consumer.join();
    const double ns = ns_per(start, n);
    if (sum != static_cast<item>(n) * (n - 1) / 2) std::abort();
    return ns;
}

template <class Q>
double rtt(long n) {
    auto ping = std::make_unique<Q>();
    auto pong = std::make_unique<Q>();
    std::thread echo([&] {
        item v;
        for (long i = 0; i < n; ++i) {
            while (!ping->try_pop(v)) {
            }
            pong->push(v);
        }
    });
    const auto start = clock_type::now();
    item v;
    for (long i = 0; i < n; ++i) {
        ping->push(static_cast<item>(i));
        while (!pong->try_pop(v)) {
        }
        if (v != static_cast<item>(i)) std::abort();
    }
    const double ns = ns_per(start, n);
    echo.join();
    return ns;
}

double rtt_mutex(long n) {
    mutex_channel ping, pong;
    std::thread echo([&] {
        while (auto v = ping.recv()) pong.send(*v);
    });
    const auto start = clock_type::now();
    for (long i = 0; i < n; ++i) {
        ping.send(static_cast<item>(i));
        if (pong.recv() != static_cast<item>(i)) std::abort();
    }
    const double ns = ns_per(start, n);
    ping.close();
    echo.join();
    return ns;
}

/// Spinning consumers stop when all items are consumed; they publish their
/// counts in batches so the count itself is not a contended hot spot.
template <class Q, class Pop>
void consume_until(std::atomic<long>& consumed, long n, std::atomic<std::uint64_t>& total,
                   Pop pop) {
    std::uint64_t sum = 0;
    long local = 0;
    item v;
    while (consumed.load(std::memory_order_relaxed) < n) {
        if (pop(v)) {
            sum += v;
            if (++local == 256) {
                consumed.fetch_add(local, std::memory_order_relaxed);
                local = 0;
            }
        } else if (local != 0) {
            consumed.fetch_add(local, std::memory_order_relaxed);
            local = 0;
        }
    }
    total.fetch_add(sum);
}

template <class Q>
double mpmc(int producers, int consumers, long n, bool tokens) {
    auto q = std::make_unique<Q>();
    const long per = n / producers;
    const long all = per * producers;
    std::atomic<long> consumed{0};
    std::atomic<std::uint64_t> total{0};
    std::vector<std::thread> threads;
    const auto start = clock_type::now();
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&] {
            if constexpr (std::is_same_v<Q, cq>) {
                if (tokens) {
                    moodycamel::ConsumerToken token(q->q);
                    consume_until<Q>(consumed, all, total,
                                     [&](item& v) { return q->q.try_dequeue(token, v); });
                    return;
                }
            }
            consume_until<Q>(consumed, all, total, [&](item& v) { return q->try_pop(v); });
        });
    }
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&] {
            if constexpr (std::is_same_v<Q, cq>) {
                if (tokens) {
                    moodycamel::ProducerToken token(q->q);
                    for (long i = 0; i < per; ++i) q->q.enqueue(token, static_cast<item>(i));
                    return;
                }
            }
            for (long i = 0; i < per; ++i) q->push(static_cast<item>(i));
        });
    }
    for (auto& t : threads) t.join();
    const double ns = ns_per(start, all);
    if (total.load() != static_cast<item>(producers) * per * (per - 1) / 2) std::abort();
    return ns;
}

double mpmc_mutex(int producers, int consumers, long n) {
    mutex_channel ch;
    const long per = n / producers;
    std::atomic<std::uint64_t> total{0};
    std::vector<std::thread> consumer_threads, producer_threads;
    const auto start = clock_type::now();
    for (int c = 0; c < consumers; ++c) {
        consumer_threads.emplace_back([&] {
            std::uint64_t sum = 0;
            while (auto v = ch.recv()) sum += *v;
            total.fetch_add(sum);
        });
    }
    for (int p = 0; p < producers; ++p) {
        producer_threads.emplace_back([&] {
            for (long i = 0; i < per; ++i) ch.send(static_cast<item>(i));
        });
    }
    for (auto& t : producer_threads) t.join();
    ch.close();
    for (auto& t : consumer_threads) t.join();
    const double ns = ns_per(start, per * producers);
    if (total.load() != static_cast<item>(producers) * per * (per - 1) / 2) std::abort();
    return ns;
}

double bytes_boost(long n) {
    using queue = boost::lockfree::spsc_queue<item>;
    std::vector<std::unique_ptr<queue>> keep;
    keep.reserve(n);
    const auto before = mallinfo2().uordblks;
    for (long i = 0; i < n; ++i) keep.push_back(std::make_unique<queue>(64));
    return static_cast<double>(mallinfo2().uordblks - before) / static_cast<double>(n);
}

template <class F>
double warm(F f) {
    f(10);  // warm up with a tenth, as every implementation does
    return f(1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s impl case args...\n", argv[0]);
        return 2;
    }
    const std::string impl = argv[1];
    const std::string c = argv[2];
    double r = -1;
    if (c == "spsc" || c == "rtt") {
        const long n = std::atol(argv[3]);
        const bool s = c == "spsc";
        r = warm([&](long div) {
            if (impl == "boost") return s ? spsc<boost_spsc>(n / div) : rtt<boost_spsc>(n / div);
            if (impl == "moodycamel") return s ? spsc<rwq>(n / div) : rtt<rwq>(n / div);
            if (impl == "moodycamel-cq") return s ? spsc<cq>(n / div) : rtt<cq>(n / div);
            if (impl == "mutex") return s ? spsc_mutex(n / div) : rtt_mutex(n / div);
            return -1.0;
        });
    } else if (c == "mpmc" && argc == 6) {
        const int p = std::atoi(argv[3]);
        const int k = std::atoi(argv[4]);
        const long n = std::atol(argv[5]);
        r = warm([&](long div) {
            if (impl == "boost") return mpmc<boost_mpmc>(p, k, n / div, false);
            if (impl == "moodycamel") return mpmc<cq>(p, k, n / div, false);
            if (impl == "moodycamel-tokens") return mpmc<cq>(p, k, n / div, true);
            if (impl == "mutex") return mpmc_mutex(p, k, n / div);
            return -1.0;
        });
    } else if (c == "bytes" && impl == "boost") {
        r = bytes_boost(std::atol(argv[3]));
    }
    if (r < 0) {
        std::fprintf(stderr, "unknown impl/case %s %s\n", impl.c_str(), c.c_str());
        return 2;
    }
    std::printf("%.3f\n", r);
}
