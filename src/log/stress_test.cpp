#include <gtest/gtest.h>

#include <charconv>
#include <mutex>
#include <rivet/log/logger.hpp>
#include <string>
#include <thread>
#include <vector>

#include "../../tests/stress/stress_scale.hpp"

namespace lg = rivet::log;

namespace {

// Checks, as lines arrive, that each producer's sequence numbers come in
// order with none missing. Runs under the sink lock: no lock of its own.
class order_checking_sink final : public lg::sink {
public:
    explicit order_checking_sink(int producers) : next_(producers, 0) {}

    void write(const lg::record& r) override {
        // message: "message <seq> with value <double>"; field t=<producer>
        int producer = -1, seq = -1;
        for (const auto& f : r.fields) {
            if (f.key == "t")
                std::from_chars(f.value.data(), f.value.data() + f.value.size(), producer);
        }
        auto m = r.message.substr(8);  // after "message "
        std::from_chars(m.data(), m.data() + m.size(), seq);
        if (producer < 0 || producer >= static_cast<int>(next_.size()) || seq != next_[producer]) {
            ++out_of_order_;
        } else {
            ++next_[producer];
        }
        if (r.time_ns < last_time_) ++time_went_back_;
        last_time_ = r.time_ns;
    }
    void flush() override {}

    std::vector<int> next_;
    int out_of_order_ = 0;
    int time_went_back_ = 0;
    std::int64_t last_time_ = 0;
};

TEST(log_stress, sixteen_threads_lose_nothing_and_keep_their_order) {
    constexpr int threads = 16;
    const int per_thread = rivet::stress::scaled(100'000);
    auto sink = std::make_shared<order_checking_sink>(threads);
    auto& log = lg::make_logger("stress", {.sinks = {sink}, .policy = lg::overflow::block});
    std::vector<std::thread> producers;
    for (int t = 0; t < threads; ++t) {
        producers.emplace_back([&log, t, per_thread] {
            for (int i = 0; i < per_thread; ++i) {
                RIVET_LOG_INFO(log, "message {} with value {}", i, i * 0.5, lg::kv("t", t));
            }
        });
    }
    for (auto& p : producers) p.join();
    lg::flush();
    EXPECT_EQ(sink->out_of_order_, 0);
    for (int t = 0; t < threads; ++t) EXPECT_EQ(sink->next_[t], per_thread) << "thread " << t;
    EXPECT_EQ(log.dropped(), 0u);
}

TEST(log_stress, flush_from_many_threads_while_logging) {
    // flush() must return for every caller, each time, with its own lines out.
    auto sink = std::make_shared<order_checking_sink>(4);
    auto& log = lg::make_logger("flushers", {.sinks = {sink}});
    std::vector<std::thread> producers;
    for (int t = 0; t < 4; ++t) {
        producers.emplace_back([&log, t] {
            for (int i = 0; i < rivet::stress::scaled(2000); ++i) {
                RIVET_LOG_INFO(log, "message {} with value {}", i, 1.0, lg::kv("t", t));
                if (i % 100 == 0) lg::flush();
            }
        });
    }
    for (auto& p : producers) p.join();
    lg::flush();
    EXPECT_EQ(sink->out_of_order_, 0);
    for (int t = 0; t < 4; ++t) EXPECT_EQ(sink->next_[t], rivet::stress::scaled(2000));
}

}  // namespace
