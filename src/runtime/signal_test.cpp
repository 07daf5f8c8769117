#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/time.hpp>
#include <thread>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

TEST(signals, sigterm_cancels_every_task_and_block_on_sees_it) {
    rt::runtime runtime({.workers = 2, .cancel_on_signals = true});
    // Sent from another thread once main is asleep; the runtime has blocked
    // SIGTERM in this thread and its own, so it reaches the signalfd.
    std::thread sender([] {
        std::this_thread::sleep_for(20ms);
        ::kill(::getpid(), SIGTERM);
    });
    auto start = std::chrono::steady_clock::now();
    bool cancelled = false;
    try {
        runtime.block_on([]() -> rt::task<void> { co_await rt::sleep_for(1h); }());
    } catch (const rt::cancelled_error&) {
        cancelled = true;
    }
    sender.join();
    EXPECT_TRUE(cancelled);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
