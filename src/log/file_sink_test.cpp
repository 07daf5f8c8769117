#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <rivet/log/logger.hpp>
#include <string>
#include <vector>

namespace lg = rivet::log;
namespace fs = std::filesystem;

extern char** environ;

namespace {

fs::path temp_dir(const std::string& name) {
    fs::path dir =
        fs::temp_directory_path() / ("rivet_log_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::vector<std::string> read_lines(const fs::path& p) {
    std::ifstream in(p);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

lg::record at(std::int64_t time_ns, std::string_view message) {
    lg::record r;
    r.time_ns = time_ns;
    r.message = message;
    return r;
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST(file_sink, appends_text_and_json_lines) {
    auto dir = temp_dir("file");
    auto text = lg::file_sink((dir / "app.log").string(), lg::pattern("{level} {message}{fields}"));
    auto json = lg::file_sink((dir / "app.json").string(), {}, lg::line_format::json);
    auto& log = lg::make_logger("files", {.sinks = {text, json}});
    RIVET_LOG_ERROR(log, "disk {} at {}%", "sda", 93.5, lg::kv("host", "db1"), lg::kv("n", 3));
    lg::flush();
    EXPECT_EQ(read_lines(dir / "app.log"),
              (std::vector<std::string>{"error disk sda at 93.5% host=db1 n=3"}));
    auto json_lines = read_lines(dir / "app.json");
    ASSERT_EQ(json_lines.size(), 1u);
    EXPECT_NE(json_lines[0].find(R"("level":"error","thread":)"), std::string::npos);
    EXPECT_NE(json_lines[0].find(R"("logger":"files","file":")"), std::string::npos);
    EXPECT_NE(json_lines[0].find(R"("message":"disk sda at 93.5%","host":"db1","n":3})"),
              std::string::npos)
        << json_lines[0];
    fs::remove_all(dir);
}

TEST(rotating_file_sink, rotates_by_size_and_keeps_n) {
    auto dir = temp_dir("size");
    auto path = (dir / "app.log").string();
    auto sink =
        lg::rotating_file_sink(path, {.max_bytes = 100, .keep = 2}, lg::pattern("{message}"));
    // 10 lines of 40 bytes (39 + newline): two fit in a file of 100 bytes.
    for (int i = 0; i < 10; ++i) {
        std::string m = std::string(37, 'a' + i) + std::to_string(i) + "!";
        sink->write(at(now_ns(), m.substr(0, 39)));
    }
    sink->flush();
    EXPECT_EQ(read_lines(path).size(), 2u);
    EXPECT_EQ(read_lines(path + ".1").size(), 2u);
    EXPECT_EQ(read_lines(path + ".2").size(), 2u);
    EXPECT_FALSE(fs::exists(path + ".3"));
    EXPECT_EQ(read_lines(path)[1].substr(0, 3), "jjj");  // newest in the current file
    EXPECT_EQ(read_lines(path + ".2")[0].substr(0, 3), "eee");
    for (const auto& e : fs::directory_iterator(dir)) EXPECT_LE(fs::file_size(e.path()), 100u);
    fs::remove_all(dir);
}

TEST(rotating_file_sink, rotates_when_the_day_changes) {
    auto dir = temp_dir("daily");
    auto path = (dir / "app.log").string();
    auto sink = lg::rotating_file_sink(path, {.daily = true, .keep = 3}, lg::pattern("{message}"));
    std::int64_t day = 86'400'000'000'000;
    std::int64_t t = now_ns();
    sink->write(at(t, "today"));
    sink->write(at(t + 1, "today again"));
    sink->write(at(t + day, "tomorrow"));
    sink->write(at(t + 2 * day, "the day after"));
    sink->flush();
    EXPECT_EQ(read_lines(path), (std::vector<std::string>{"the day after"}));
    EXPECT_EQ(read_lines(path + ".1"), (std::vector<std::string>{"tomorrow"}));
    EXPECT_EQ(read_lines(path + ".2"), (std::vector<std::string>{"today", "today again"}));
    fs::remove_all(dir);
}

TEST(file_sink, an_unwritable_path_is_counted_not_fatal) {
    auto sink = lg::file_sink("/nonexistent-dir/rivet/app.log");
    auto& log = lg::make_logger("unwritable", {.sinks = {sink}});
    RIVET_LOG_INFO(log, "lost");
    lg::flush();
    RIVET_LOG_INFO(log, "lost too");
    lg::flush();
    EXPECT_GE(sink->errors(), 2u);  // the open, then each batch that could not go
}

// Runs the child program; returns its wait status and what it wrote on stderr.
std::pair<int, std::string> run_child(const std::string& mode, const std::string& path, int n) {
    std::string err_path = path + ".stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::string count = std::to_string(n);
    const char* argv[] = {RIVET_LOG_TEST_CHILD, mode.c_str(), path.c_str(), count.c_str(), nullptr};
    pid_t pid;
    int rc = posix_spawn(&pid, RIVET_LOG_TEST_CHILD, &actions, nullptr,
                         const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return {-1, "spawn failed"};
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::ifstream in(err_path);
    return {status, std::string(std::istreambuf_iterator<char>(in), {})};
}

void expect_every_line(const fs::path& path, int n) {
    auto lines = read_lines(path);
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        ASSERT_EQ(lines[i], "line " + std::to_string(i) + " of " + std::to_string(n));
    }
}

TEST(crash_flush, abort_writes_every_accepted_line) {
    auto dir = temp_dir("abort");
    auto [status, err] = run_child("abort", (dir / "app.log").string(), 50'000);
    ASSERT_TRUE(WIFSIGNALED(status)) << status << " " << err;
    EXPECT_EQ(WTERMSIG(status), SIGABRT);
    expect_every_line(dir / "app.log", 50'000);
    fs::remove_all(dir);
}

TEST(crash_flush, sigterm_writes_every_accepted_line) {
    auto dir = temp_dir("term");
    auto [status, err] = run_child("term", (dir / "app.log").string(), 50'000);
    ASSERT_TRUE(WIFSIGNALED(status)) << status << " " << err;
    EXPECT_EQ(WTERMSIG(status), SIGTERM);
    expect_every_line(dir / "app.log", 50'000);
    fs::remove_all(dir);
}

#if !defined(__SANITIZE_ADDRESS__)
// ASan owns SIGSEGV (its handler reports and exits), so the logger leaves it alone there.
TEST(crash_flush, a_segfault_writes_every_accepted_line) {
    auto dir = temp_dir("segv");
    auto [status, err] = run_child("segv", (dir / "app.log").string(), 50'000);
    ASSERT_TRUE(WIFSIGNALED(status)) << status << " " << err;
    EXPECT_EQ(WTERMSIG(status), SIGSEGV);
    expect_every_line(dir / "app.log", 50'000);
    fs::remove_all(dir);
}
#endif

TEST(crash_flush, normal_exit_writes_every_accepted_line) {
    auto dir = temp_dir("exit");
    // "full" mode's limit does not bite at 20 lines: the child exits 1 (no errors).
    auto [status, err] = run_child("full", (dir / "app.log").string(), 20);
    ASSERT_TRUE(WIFEXITED(status));
    auto lines = read_lines(dir / "app.log");
    ASSERT_EQ(lines.size(), 21u);
    EXPECT_EQ(lines.back(), "after the disk filled");
    fs::remove_all(dir);
}

TEST(full_disk, a_file_size_limit_is_reported_once_and_counted) {
    auto dir = temp_dir("full");
    auto path = dir / "app.log";
    auto [status, err] = run_child("full", path.string(), 10'000);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0) << err;  // alive, and the sink counted errors
    EXPECT_LE(fs::file_size(path), 4096u);
    // One report, naming the path and the errno.
    auto first =
        err.find("rivet::log: cannot write '" + path.string() + "': File too large (errno 27)");
    EXPECT_NE(first, std::string::npos) << err;
    EXPECT_EQ(err.find("rivet::log: cannot", first + 1), std::string::npos) << err;
    fs::remove_all(dir);
}

}  // namespace
