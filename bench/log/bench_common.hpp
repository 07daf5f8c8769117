// What every C++ program of the log suite shares: the workload (the same
// message, the same thread layout), per-call timing, percentiles, peak RSS
// and CPU time. Each program implements `log_one(i)` and `finish()` for its
// logger and calls run().
//
//   PROG latency THREADS N PATH     p50 p99 p99.9 of one call, ns
//   PROG throughput THREADS N PATH  ms for N messages (split over THREADS)
//                                   including the final flush
//   PROG rss THREADS N PATH         peak RSS in KiB after a throughput run
//   PROG idle_cpu SECONDS 0 PATH    % of a core used while idle after one message
#pragma once

#include <sys/resource.h>
#include <time.h>
#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace bench {

inline std::uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + ts.tv_nsec;
}

inline double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Per-call timing reads the TSC (a few ns) rather than the clock (about 20 ns
// a read here), so the timer adds less to what it measures; the same for
// every logger.
inline double ns_per_tick() {
    std::uint64_t t0 = __rdtsc(), n0 = now_ns();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::uint64_t t1 = __rdtsc(), n1 = now_ns();
    return static_cast<double>(n1 - n0) / static_cast<double>(t1 - t0);
}

struct logger_under_test {
    std::function<void(int)> log_one;  // logs "message {} with value {}" with i and i * 1.5
    std::function<void()> finish;      // writes everything out (flush)
};

inline void threads_do(int threads, int n, const std::function<void(int, int)>& body) {
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
        ts.emplace_back([=, &body] { body(t, n / threads); });
    }
    for (auto& t : ts) t.join();
}

inline int run(int argc, char** argv, const logger_under_test& lut) {
    if (argc < 4) return 2;
    std::string mode = argv[1];
    int threads = std::atoi(argv[2]);
    int n = std::atoi(argv[3]);
    if (mode == "latency") {
        double scale = ns_per_tick();
        std::vector<std::vector<std::uint32_t>> samples(threads);
        threads_do(threads, n * threads, [&](int t, int count) {
            auto& mine = samples[t];
            mine.reserve(count);
            for (int i = 0; i < count; ++i) {
                std::uint64_t a = __rdtsc();
                lut.log_one(i);
                std::uint64_t b = __rdtsc();
                mine.push_back(static_cast<std::uint32_t>(static_cast<double>(b - a) * scale));
            }
        });
        lut.finish();
        std::vector<std::uint32_t> all;
        for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
        std::sort(all.begin(), all.end());
        auto pct = [&](double p) { return all[static_cast<std::size_t>(p * (all.size() - 1))]; };
        std::printf("%u %u %u\n", pct(0.50), pct(0.99), pct(0.999));
    } else if (mode == "throughput" || mode == "rss") {
        std::uint64_t start = now_ns();
        threads_do(threads, n, [&](int, int count) {
            for (int i = 0; i < count; ++i) lut.log_one(i);
        });
        lut.finish();
        std::uint64_t took = now_ns() - start;
        if (mode == "rss") {
            rusage u{};
            getrusage(RUSAGE_SELF, &u);
            std::printf("%ld\n", u.ru_maxrss);
        } else {
            std::printf("%.3f\n", took / 1e6);
        }
    } else if (mode == "idle_cpu") {
        lut.log_one(0);
        lut.finish();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        double cpu0 = cpu_seconds();
        std::uint64_t t0 = now_ns();
        std::this_thread::sleep_for(std::chrono::seconds(threads));
        double cpu = cpu_seconds() - cpu0;
        double wall = (now_ns() - t0) / 1e9;
        std::printf("%.4f\n", 100.0 * cpu / wall);
    } else {
        return 2;
    }
    return 0;
}

}  // namespace bench
