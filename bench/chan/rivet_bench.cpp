// rivet's side of the chan suite. One case per invocation, one number on
// stdout (run.sh alternates implementations and repeats):
//   spsc <n>                  ns per item, thread to thread (capacity 1024)
//   rtt <n>                   ns per round trip, thread to thread, two spsc channels
//   mpmc_rtt <n>              the same over two mpmc channels (not in run.sh: no peer case)
//   mpmc <producers> <consumers> <n>   ns per item, threads, FIFO mpmc (capacity 1024)
//   task_spsc <workers> <n>   ns per item, task to task
//   task_mpmc <workers> <n>   ns per item, 2 producer tasks to 2 consumer tasks
//   bytes spsc|mpmc <n>       heap bytes per empty capacity-64 channel of 64-bit items
// Threads use the blocking ends (spin briefly, then park), tasks the awaitable
// ones: the paths an application uses, not a spinning try loop.
#include <malloc.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <rivet/chan/chan.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/spawn.hpp>
#include <thread>
#include <vector>

namespace chan = rivet::chan;
namespace rt = rivet::runtime;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::size_t capacity = 1024;

double ns_per(clock_type::time_point start, long n) {
    return std::chrono::duration<double, std::nano>(clock_type::now() - start).count() /
           static_cast<double>(n);
}

double spsc(long n) {
    auto [tx, rx] = chan::spsc<std::uint64_t>(capacity);
    std::uint64_t sum = 0;
    const auto start = clock_type::now();
    std::thread consumer([&sum, rx = std::move(rx)]() mutable {
        std::uint64_t local = 0;  // not `sum`: it shares a line with the producer's stack
        while (auto v = rx.recv_blocking()) local += *v;
        sum = local;
    });
    for (long i = 0; i < n; ++i) tx.send_blocking(static_cast<std::uint64_t>(i));
    tx.close();
    consumer.join();
    const double ns = ns_per(start, n);
    if (sum != static_cast<std::uint64_t>(n) * (n - 1) / 2) std::abort();
    return ns;
}

template <chan::shape S>
double rtt(long n) {
    auto make = [] {
        if constexpr (S == chan::shape::spsc) {
            return chan::spsc<std::uint64_t>(capacity);
        } else {
            return chan::mpmc<std::uint64_t>(capacity);
        }
    };
    auto [ping_tx, ping_rx] = make();
    auto [pong_tx, pong_rx] = make();
    std::thread echo([rx = std::move(ping_rx), tx = std::move(pong_tx)]() mutable {
        while (auto v = rx.recv_blocking()) tx.send_blocking(*v);
    });
    const auto start = clock_type::now();
    for (long i = 0; i < n; ++i) {
        ping_tx.send_blocking(static_cast<std::uint64_t>(i));
        if (pong_rx.recv_blocking() != static_cast<std::uint64_t>(i)) std::abort();
    }
    const double ns = ns_per(start, n);
    ping_tx.close();
    echo.join();
    return ns;
}

double mpmc(int producers, int consumers, long n) {
    auto [tx, rx] = chan::mpmc<std::uint64_t>(capacity);
    const long per = n / producers;
    std::vector<std::thread> threads;
    std::vector<std::uint64_t> sums(consumers);
    const auto start = clock_type::now();
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&sums, c, rx]() mutable {
            std::uint64_t sum = 0;
            while (auto v = rx.recv_blocking()) sum += *v;
            sums[c] = sum;
        });
    }
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([per, tx]() mutable {
            for (long i = 0; i < per; ++i) tx.send_blocking(static_cast<std::uint64_t>(i));
        });
    }
    { auto drop = std::move(tx); }  // the producers' copies are the last senders
    { auto drop = std::move(rx); }
    for (auto& t : threads) t.join();
    const double ns = ns_per(start, per * producers);
    std::uint64_t total = 0;
    for (auto s : sums) total += s;
    if (total != static_cast<std::uint64_t>(producers) * per * (per - 1) / 2) std::abort();
    return ns;
}

template <chan::shape S>
rt::task<void> produce(chan::sender<std::uint64_t, S> tx, long n) {
    for (long i = 0; i < n; ++i) co_await tx.send(static_cast<std::uint64_t>(i));
}

template <chan::shape S>
rt::task<std::uint64_t> consume(chan::receiver<std::uint64_t, S> rx) {
    std::uint64_t sum = 0;
    while (auto v = co_await rx.recv()) sum += *v;
    co_return sum;
}

rt::task<double> task_spsc(long n) {
    auto [tx, rx] = chan::spsc<std::uint64_t>(capacity);
    const auto start = clock_type::now();
    auto c = rt::spawn(consume<chan::shape::spsc>, std::move(rx));
    auto p = rt::spawn(produce<chan::shape::spsc>, std::move(tx), n);
    co_await p;
    const std::uint64_t sum = co_await c;
    const double ns = ns_per(start, n);
    if (sum != static_cast<std::uint64_t>(n) * (n - 1) / 2) std::abort();
    co_return ns;
}

rt::task<double> task_mpmc(long n) {
    auto [tx, rx] = chan::mpmc<std::uint64_t>(capacity);
    const long per = n / 2;
    const auto start = clock_type::now();
    auto c1 = rt::spawn(consume<chan::shape::mpmc>, rx);
    auto c2 = rt::spawn(consume<chan::shape::mpmc>, std::move(rx));
    auto p1 = rt::spawn(produce<chan::shape::mpmc>, tx, per);
    auto p2 = rt::spawn(produce<chan::shape::mpmc>, std::move(tx), per);
    co_await p1;
    co_await p2;
    const std::uint64_t sum = co_await c1 + co_await c2;
    const double ns = ns_per(start, 2 * per);
    if (sum != 2 * static_cast<std::uint64_t>(per) * (per - 1) / 2) std::abort();
    co_return ns;
}

template <class Make>
double bytes_per_channel(long n, Make make) {
    using pair = decltype(make());
    std::vector<pair> keep;
    keep.reserve(n);
    const auto before = mallinfo2().uordblks;
    for (long i = 0; i < n; ++i) keep.push_back(make());
    const auto after = mallinfo2().uordblks;
    return static_cast<double>(after - before) / static_cast<double>(n);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s case args...\n", argv[0]);
        return 2;
    }
    const std::string c = argv[1];
    double result = 0;
    if (c == "spsc") {
        const long n = std::atol(argv[2]);
        spsc(n / 10);  // warm up, as every implementation does
        result = spsc(n);
    } else if (c == "rtt" || c == "mpmc_rtt") {
        const long n = std::atol(argv[2]);
        auto once = c == "rtt" ? rtt<chan::shape::spsc> : rtt<chan::shape::mpmc>;
        once(n / 10);
        result = once(n);
    } else if (c == "mpmc" && argc == 5) {
        const int p = std::atoi(argv[2]);
        const int k = std::atoi(argv[3]);
        const long n = std::atol(argv[4]);
        mpmc(p, k, n / 10);
        result = mpmc(p, k, n);
    } else if ((c == "task_spsc" || c == "task_mpmc") && argc == 4) {
        const auto workers = static_cast<unsigned>(std::atoi(argv[2]));
        const long n = std::atol(argv[3]);
        auto body = [&](long count) {
            return c == "task_spsc" ? task_spsc(count) : task_mpmc(count);
        };
        rt::block_on(body(n / 10), {.workers = workers});
        result = rt::block_on(body(n), {.workers = workers});
    } else if (c == "bytes" && argc == 4) {
        const long n = std::atol(argv[3]);
        if (std::strcmp(argv[2], "spsc") == 0) {
            result = bytes_per_channel(n, [] { return chan::spsc<std::uint64_t>(64); });
        } else {
            result = bytes_per_channel(n, [] { return chan::mpmc<std::uint64_t>(64); });
        }
    } else {
        std::fprintf(stderr, "unknown case %s\n", c.c_str());
        return 2;
    }
    std::printf("%.3f\n", result);
}
