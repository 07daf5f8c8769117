// Thread-to-thread spsc throughput with each end either waiting the way an
// application waits (send_blocking / recv_blocking: spin, then park) or
// spinning on try_send / try_recv. The channel and the items are the same
// in all four cases, so a gap between them is the cost of the waiting loops
// themselves: the lead that docs/chan.md follows for the spsc thread case.
// Also what making and closing an spsc channel costs from each end
// (closing_end: 0 the sender closes, 1 the receiver closes, 2 the receiver
// is dropped first; a receiver's close makes a membarrier, dearer while
// another thread of the process runs).
//
//   build/release/src/chan/chan_micro_bench
//
// Pin it to two cores (taskset -c 0,1) on a quiet machine: both threads
// spin, so another process on either core distorts every case.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <rivet/chan/chan.hpp>
#include <thread>

namespace {

namespace chan = rivet::chan;

constexpr std::size_t capacity = 1024;
constexpr std::int64_t items = 1 << 20;

enum end_kind : std::int64_t { spinning = 0, blocking = 1 };

void spsc_ends(benchmark::State& state) {
    const bool blocking_send = state.range(0) == blocking;
    const bool blocking_recv = state.range(1) == blocking;
    for (auto _ : state) {
        auto [tx, rx] = chan::spsc<std::uint64_t>(capacity);
        std::uint64_t sum = 0;
        std::thread consumer([&sum, blocking_recv, rx = std::move(rx)]() mutable {
            if (blocking_recv) {
                while (auto v = rx.recv_blocking()) sum += *v;
                return;
            }
            for (;;) {
                if (auto v = rx.try_recv()) {
                    sum += *v;
                } else if (rx.at_end()) {
                    return;
                }
            }
        });
        for (std::int64_t i = 0; i < items; ++i) {
            const auto v = static_cast<std::uint64_t>(i);
            if (blocking_send) {
                tx.send_blocking(v);
            } else {
                while (!tx.try_send(v)) {
                }
            }
        }
        tx.close();
        consumer.join();
        if (sum != static_cast<std::uint64_t>(items) * (items - 1) / 2) std::abort();
    }
    state.SetItemsProcessed(state.iterations() * items);
}

BENCHMARK(spsc_ends)
    ->ArgNames({"blocking_send", "blocking_recv"})
    ->Args({spinning, spinning})
    ->Args({blocking, spinning})
    ->Args({spinning, blocking})
    ->Args({blocking, blocking})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

enum closing_end : std::int64_t { sender_closes = 0, receiver_closes = 1, receiver_dropped = 2 };

void spsc_make_and_close(benchmark::State& state) {
    const auto how = static_cast<closing_end>(state.range(0));
    std::atomic<bool> stop{false};
    std::thread spinner;
    if (state.range(1) != 0) {
        spinner = std::thread([&stop] {
            while (!stop.load(std::memory_order_relaxed)) {
            }
        });
    }
    for (auto _ : state) {
        auto [tx, rx] = chan::spsc<std::uint64_t>(64);
        if (how == sender_closes) {
            tx.close();
        } else if (how == receiver_closes) {
            rx.close();
        } else {
            auto last = std::move(rx);  // dropped at the end of this block, before tx
        }
        benchmark::DoNotOptimize(tx.is_closed());
    }
    stop = true;
    if (spinner.joinable()) spinner.join();
}

BENCHMARK(spsc_make_and_close)
    ->ArgNames({"closing_end", "other_thread_runs"})
    ->ArgsProduct({{sender_closes, receiver_closes, receiver_dropped}, {0, 1}})
    ->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
