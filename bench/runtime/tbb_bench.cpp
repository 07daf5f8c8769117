// oneTBB's side of the spawn case: run N trivial tasks in a task_group
// inside a task_arena of <threads> threads, then wait. Prints ns per task.
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

double run_once(tbb::task_arena& arena, long n) {
    std::atomic<long> left{n};
    auto start = std::chrono::steady_clock::now();
    arena.execute([&] {
        tbb::task_group group;
        for (long i = 0; i < n; ++i) {
            group.run([&left] { left.fetch_sub(1, std::memory_order_relaxed); });
        }
        group.wait();
    });
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
    tbb::task_arena arena(std::atoi(argv[1]));
    long n = std::atol(argv[2]);
    run_once(arena, n / 10);  // warm up
    std::printf("%.3f\n", run_once(arena, n));
}
