#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <rivet/log/logger.hpp>
#include <string>
#include <thread>
#include <vector>

#include "test_sink.hpp"

namespace lg = rivet::log;
using lg::testing::memory_sink;

namespace {

struct point {
    int x, y;
};

}  // namespace

template <>
struct fmt::formatter<point> : fmt::formatter<int> {
    auto format(const point& p, fmt::format_context& ctx) const {
        return fmt::format_to(ctx.out(), "({}, {})", p.x, p.y);
    }
};

namespace {

TEST(logger, sync_mode_writes_before_the_call_returns) {
    auto sink = std::make_shared<memory_sink>();
    auto& log = lg::make_logger("sync", {.sinks = {sink}, .mode = lg::mode::sync});
    RIVET_LOG_INFO(log, "message {} with value {}", 7, 2.5);
    RIVET_LOG_WARN(log, "{:>5}|{:.2f}|{}|{}", "ab", 3.14159, std::string("str"), true);
    EXPECT_EQ(sink->lines(), (std::vector<std::string>{"info sync message 7 with value 2.5",
                                                       "warn sync    ab|3.14|str|true"}));
}

TEST(logger, async_mode_writes_everything_by_flush) {
    auto sink = std::make_shared<memory_sink>();
    auto& log = lg::make_logger("async", {.sinks = {sink}});
    for (int i = 0; i < 1000; ++i) RIVET_LOG_INFO(log, "n={}", i);
    lg::flush();
    auto lines = sink->lines();
    ASSERT_EQ(lines.size(), 1000u);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(lines[i], "info async n=" + std::to_string(i));
}

TEST(logger, arguments_of_every_kind_are_copied) {
    auto sink = std::make_shared<memory_sink>();
    auto& log = lg::make_logger("kinds", {.sinks = {sink}});
    {
        std::string temporary = "gone after the call";
        const char* c_string = "c string";
        const char* null_string = nullptr;
        RIVET_LOG_INFO(log, "{} {} {} {} {} {}", temporary, c_string, null_string,
                       std::string_view("view"), point{1, 2}, 'x');
        temporary.assign(temporary.size(), '#');  // the backend must not see this
    }
    lg::flush();
    EXPECT_EQ(
        sink->lines(),
        (std::vector<std::string>{"info kinds gone after the call c string (null) view (1, 2) x"}));
}

TEST(logger, fields_follow_the_message) {
    auto sink = std::make_shared<memory_sink>();
    auto& log = lg::make_logger("fields", {.sinks = {sink}});
    RIVET_LOG_INFO(log, "paid {}", 42, lg::kv("amount", 12.5), lg::kv("user", "bob"),
                   lg::kv("where", point{3, 4}));
    lg::flush();
    EXPECT_EQ(sink->lines(),
              (std::vector<std::string>{"info fields paid 42 amount=12.5 user=bob where=(3, 4)"}));
}

TEST(logger, a_filtered_call_does_not_evaluate_its_arguments) {
    auto sink = std::make_shared<memory_sink>();
    auto& log = lg::make_logger("levels", {.sinks = {sink}, .min_level = lg::level::warn});
    int evaluated = 0;
    auto count = [&] { return ++evaluated; };
    RIVET_LOG_INFO(log, "{}", count());
    RIVET_LOG_DEBUG(log, "{}", count());
    RIVET_LOG_ERROR(log, "{}", count());
    log.set_level(lg::level::trace);
    RIVET_LOG_TRACE(log, "{}", count());
    lg::flush();
    EXPECT_EQ(evaluated, 2);
    EXPECT_EQ(sink->lines(), (std::vector<std::string>{"error levels 1", "trace levels 2"}));
}

TEST(logger, thread_context_fields_appear_on_every_line) {
    auto sink = std::make_shared<memory_sink>();
    auto& log = lg::make_logger("thread_ctx", {.sinks = {sink}});
    {
        auto outer = lg::with_context({{"request_id", "r-7"}});
        RIVET_LOG_INFO(log, "one");
        {
            auto inner = lg::with_context({{"user", "ann"}, {"request_id", "r-8"}});
            RIVET_LOG_INFO(log, "two", lg::kv("n", 2));
        }
        RIVET_LOG_INFO(log, "three");
    }
    RIVET_LOG_INFO(log, "four");
    lg::flush();
    EXPECT_EQ(sink->lines(), (std::vector<std::string>{
                                 "info thread_ctx one request_id=r-7",
                                 "info thread_ctx two request_id=r-8 user=ann n=2",
                                 "info thread_ctx three request_id=r-7", "info thread_ctx four"}));
}

TEST(logger, names_are_unique_and_found) {
    auto& log = lg::make_logger("unique", {});
    EXPECT_EQ(lg::find_logger("unique"), &log);
    EXPECT_EQ(lg::find_logger("missing"), nullptr);
    EXPECT_THROW(lg::make_logger("unique", {}), std::invalid_argument);
}

// Holds the backend inside write() until released, so rings fill up.
class gate_sink final : public lg::sink {
public:
    void write(const lg::record& r) override {
        std::unique_lock guard(lock_);
        entered_ = true;
        entered_cv_.notify_all();
        open_cv_.wait(guard, [&] { return open_; });
        lines_.emplace_back(r.message);
    }
    void flush() override {}
    void wait_entered() {
        std::unique_lock guard(lock_);
        entered_cv_.wait(guard, [&] { return entered_; });
    }
    void open() {
        std::lock_guard guard(lock_);
        open_ = true;
        open_cv_.notify_all();
    }
    std::vector<std::string> lines() {
        std::lock_guard guard(lock_);
        return lines_;
    }

private:
    std::mutex lock_;
    std::condition_variable entered_cv_, open_cv_;
    bool entered_ = false, open_ = false;
    std::vector<std::string> lines_;
};

TEST(logger, a_full_ring_drops_counts_and_reports) {
    lg::configure({.ring_bytes = 4096});  // rings made after this are small
    auto gate = std::make_shared<gate_sink>();
    auto& log = lg::make_logger("drops", {.sinks = {gate}, .policy = lg::overflow::drop});
    std::thread producer([&] {
        RIVET_LOG_INFO(log, "first");
        gate->wait_entered();  // the backend is stuck in the sink now
        for (int i = 0; i < 1000; ++i) RIVET_LOG_INFO(log, "message {} with value {}", i, 0.5);
    });
    producer.join();
    std::uint64_t dropped = log.dropped();
    EXPECT_GT(dropped, 900u);  // a 4 KiB ring holds a few dozen records
    gate->open();
    lg::flush();
    lg::configure({});
    auto lines = gate->lines();
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.size(), 1 + (1000 - dropped) + 1);  // first, the kept ones, the report
    EXPECT_EQ(lines.back(), "rivet::log: " + std::to_string(dropped) +
                                " messages dropped (ring full, or a sink failed); " +
                                std::to_string(dropped) + " in all");
    EXPECT_GE(lg::stats().dropped, dropped);
}

TEST(logger, a_full_ring_blocks_and_loses_nothing) {
    lg::configure({.ring_bytes = 4096});
    auto gate = std::make_shared<gate_sink>();
    auto& log = lg::make_logger("blocks", {.sinks = {gate}, .policy = lg::overflow::block});
    std::atomic<bool> done{false};
    std::thread producer([&] {
        RIVET_LOG_INFO(log, "first");
        gate->wait_entered();
        for (int i = 0; i < 1000; ++i) RIVET_LOG_INFO(log, "message {} with value {}", i, 0.5);
        done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(done.load());  // stuck on the full ring
    gate->open();
    producer.join();
    lg::flush();
    lg::configure({});
    EXPECT_EQ(gate->lines().size(), 1001u);
    EXPECT_EQ(log.dropped(), 0u);
}

TEST(logger, a_record_larger_than_half_the_ring_is_written_directly) {
    auto sink = std::make_shared<memory_sink>(lg::pattern("{message}"));
    auto& log = lg::make_logger("huge", {.sinks = {sink}});
    std::string big(3 << 20, 'x');  // 3 MiB: more than half of the default ring
    RIVET_LOG_INFO(log, "{}", big);
    lg::flush();
    ASSERT_EQ(sink->lines().size(), 1u);
    EXPECT_EQ(sink->lines()[0].size(), big.size());
}

}  // namespace
