// Boost.Asio's side of the spawn case: post N trivial handlers to an
// io_context, then run it on <threads> threads until all have run (the
// "post then run" pattern; concurrency hint set as Asio's docs recommend).
// Prints ns per handler.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

double run_once(int threads, long n) {
    boost::asio::io_context ctx(threads);
    std::atomic<long> left{n};
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
        boost::asio::post(ctx, [&left] { left.fetch_sub(1, std::memory_order_relaxed); });
    }
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back([&ctx] { ctx.run(); });
    ctx.run();
    for (auto& t : pool) t.join();
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
                    .count() / static_cast<double>(n);
    if (left.load() != 0) std::abort();
    return ns;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s threads n\n", argv[0]);
        return 2;
    }
    int threads = std::atoi(argv[1]);
    long n = std::atol(argv[2]);
    run_once(threads, n / 10);  // warm up, as every implementation does
    std::printf("%.3f\n", run_once(threads, n));
}
