#include <fmt/format.h>
#include <gtest/gtest.h>

#include <rivet/log/logger.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/task_group.hpp>
#include <rivet/runtime/time.hpp>
#include <string>

#include "test_sink.hpp"

namespace lg = rivet::log;
namespace rt = rivet::runtime;
using namespace std::chrono_literals;

namespace {

TEST(log_context, a_tasks_fields_follow_it_across_awaits_workers_and_children) {
    auto sink = std::make_shared<lg::testing::memory_sink>(lg::pattern("{message}{fields}"));
    auto& log = lg::make_logger("tasks", {.sinks = {sink}});
    auto handle = [](lg::logger& log, int id) -> rt::task<void> {
        auto scope = lg::with_context({{"req", fmt::format("r{}", id)}});
        for (int step = 0; step < 5; ++step) {
            RIVET_LOG_INFO(log, "step {}", step, lg::kv("of", id));
            if (step % 2) {
                co_await rt::this_task::yield();
            } else {
                co_await rt::sleep_for(200us);
            }
        }
        // A child inherits the request's fields and adds its own.
        co_await rt::spawn(
            [](lg::logger& log, int id) -> rt::task<void> {
                auto more = lg::with_context({{"part", "child"}});
                co_await rt::this_task::yield();
                RIVET_LOG_INFO(log, "child", lg::kv("of", id));
            },
            std::ref(log), id);
    };
    auto main = [](lg::logger& log, auto handle) -> rt::task<void> {
        rt::task_group group;
        for (int id = 0; id < 32; ++id) group.spawn(handle, std::ref(log), id);
        co_await group.wait();
        RIVET_LOG_INFO(log, "done");
    };
    rt::block_on(main(log, handle), {.workers = 2});
    lg::flush();
    auto lines = sink->lines();
    ASSERT_EQ(lines.size(), 32u * 6 + 1);
    int children = 0;
    for (const auto& line : lines) {
        if (line == "done") continue;
        // Every line carries the request its task serves: req=rN ... of=N.
        auto req = line.find(" req=r");
        auto of = line.find(" of=");
        ASSERT_NE(req, std::string::npos) << line;
        ASSERT_NE(of, std::string::npos) << line;
        std::string req_id = line.substr(req + 6, line.find(' ', req + 1) - req - 6);
        EXPECT_EQ(req_id, line.substr(of + 4)) << line;
        if (line.starts_with("child")) {
            ++children;
            EXPECT_NE(line.find(" part=child"), std::string::npos) << line;
        }
    }
    EXPECT_EQ(children, 32);
    EXPECT_EQ(lines.back(), "done");  // the root's own line has no request
}

TEST(log_context, the_task_name_is_on_the_line) {
    auto sink = std::make_shared<lg::testing::memory_sink>(lg::pattern("{task} {message}"));
    auto& log = lg::make_logger("named", {.sinks = {sink}, .mode = lg::mode::sync});
    auto main = [](lg::logger& log) -> rt::task<void> {
        co_await rt::spawn_named(
            "worker-job",
            [](lg::logger& log) -> rt::task<void> {
                RIVET_LOG_INFO(log, "in a task");
                co_return;
            },
            std::ref(log));
    };
    rt::block_on(main(log), {.workers = 1});
    RIVET_LOG_INFO(log, "on a thread");
    EXPECT_EQ(sink->lines(), (std::vector<std::string>{"worker-job in a task", "- on a thread"}));
}

}  // namespace
