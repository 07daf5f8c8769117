// Limits, timeouts, slow clients, and the corpus of malformed and smuggling
// requests: each gets its status and the connection closes.
#include <gtest/gtest.h>
#include <poll.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "http_harness.hpp"
#include "http_routes.hpp"

namespace rivet::http::testing {
namespace {

using namespace std::chrono_literals;

// Sends `request`, reads to the close; returns the status line's code and
// whether the server closed the connection.
std::pair<int, bool> answer(std::uint16_t port, const std::string& request) {
    raw_client c(port);
    c.send(request);
    bool closed = false;
    std::string out = c.read_all(&closed);
    int status = out.size() > 12 && out.starts_with("HTTP/1.1 ") ? std::stoi(out.substr(9, 3)) : 0;
    return {status, closed};
}

TEST(http_limits, every_corpus_request_gets_its_status_and_a_close) {
    test_server s(test_routes());
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(RIVET_HTTP_CORPUS)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        std::string name = entry.path().filename().string();
        int expected = std::stoi(name.substr(0, 3));
        auto [status, closed] = answer(s.port(), bytes.str());
        EXPECT_EQ(status, expected) << name;
        EXPECT_TRUE(closed) << name;
        ++files;
    }
    EXPECT_GE(files, 25);
}

TEST(http_limits, an_error_answer_to_a_head_request_has_no_body) {
    test_server s(test_routes());
    for (const char* request : {"HEAD /plaintext HTTP/1.1\r\n\r\n",           // no Host
                                "HEAD /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"}) {  // bad target
        raw_client c(s.port());
        c.send(request);
        bool closed = false;
        std::string out = c.read_all(&closed);
        EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << out;
        EXPECT_NE(out.find("\r\nContent-Length: "), std::string::npos) << out;
        EXPECT_TRUE(out.ends_with("\r\n\r\n")) << out;
        EXPECT_TRUE(closed);
    }
}

TEST(http_limits, smuggled_request_behind_a_refused_one_is_never_served) {
    test_server s(test_routes());
    raw_client c(s.port());
    c.send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        "0\r\n\r\nGET /users/smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string out = c.read_all();
    EXPECT_EQ(count(out, "HTTP/1.1 "), 1) << out;
    EXPECT_EQ(out.find("smuggled"), std::string::npos) << out;
}

TEST(http_limits, long_target_is_414) {
    server_config config = test_server::quiet();
    config.max_target = 1024;
    test_server s(test_routes(), config);
    auto [status, closed] =
        answer(s.port(), "GET /" + std::string(2000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status, 414);
    EXPECT_TRUE(closed);
}

TEST(http_limits, large_head_and_many_fields_are_431) {
    server_config config = test_server::quiet();
    config.max_head = 4096;
    config.max_headers = 20;
    test_server s(test_routes(), config);
    EXPECT_EQ(answer(s.port(), "GET /plaintext HTTP/1.1\r\nHost: x\r\nX: " +
                                   std::string(5000, 'v') + "\r\n\r\n")
                  .first,
              431);
    std::string many = "GET /plaintext HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 25; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    EXPECT_EQ(answer(s.port(), many + "\r\n").first, 431);
}

TEST(http_limits, body_over_the_limit_is_413_declared_or_chunked) {
    server_config config = test_server::quiet();
    config.max_body = 1000;
    test_server s(test_routes(), config);
    auto [status, closed] =
        answer(s.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n" +
                             std::string(1001, 'a'));
    EXPECT_EQ(status, 413);
    EXPECT_TRUE(closed);
    std::string chunked = "POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) chunked += "190\r\n" + std::string(400, 'a') + "\r\n";
    EXPECT_EQ(answer(s.port(), chunked + "0\r\n\r\n").first, 413);
}

TEST(http_limits, slowloris_head_gets_408_while_others_are_served) {
    server_config config = test_server::quiet();
    config.header_timeout = 300ms;
    test_server s(test_routes(), config);
    std::vector<std::unique_ptr<raw_client>> slow;
    for (int i = 0; i < 20; ++i) {
        slow.push_back(std::make_unique<raw_client>(s.port()));
        slow.back()->send("GET /plaintext HTTP/1.1\r\nHo");
    }
    // Others are served while the slow heads are pending.
    EXPECT_EQ(run("curl -s " + s.url("/plaintext")), "Hello, World!");
    auto start = std::chrono::steady_clock::now();
    for (auto& c : slow) {
        c->send("s");  // trickling does not extend the deadline
        bool closed = false;
        std::string out = c->read_all(&closed);
        EXPECT_TRUE(out.starts_with("HTTP/1.1 408")) << out;
        EXPECT_TRUE(closed);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(http_limits, trickling_does_not_extend_the_head_deadline) {
    server_config config = test_server::quiet();
    config.header_timeout = 300ms;
    test_server s(test_routes(), config);
    raw_client c(s.port());
    auto start = std::chrono::steady_clock::now();
    c.send("GET /plaintext HTTP/1.1\r\n");
    // A byte every 50 ms until the server answers (or 3 s): a timeout that
    // each read restarted would never expire while the bytes keep coming.
    pollfd answer{c.fd(), POLLIN, 0};
    while (::poll(&answer, 1, 50) == 0 && std::chrono::steady_clock::now() - start < 3s) {
        c.send("a");
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    bool closed = false;
    std::string out = c.read_all(&closed);
    EXPECT_TRUE(out.starts_with("HTTP/1.1 408")) << out;
    EXPECT_TRUE(closed);
}

TEST(http_limits, slow_body_gets_408) {
    server_config config = test_server::quiet();
    config.body_timeout = 300ms;
    test_server s(test_routes(), config);
    raw_client c(s.port());
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    bool closed = false;
    std::string out = c.read_all(&closed);
    EXPECT_TRUE(out.starts_with("HTTP/1.1 408")) << out;
    EXPECT_TRUE(closed);
}

TEST(http_limits, idle_keep_alive_connection_is_closed) {
    server_config config = test_server::quiet();
    config.idle_timeout = 200ms;
    test_server s(test_routes(), config);
    raw_client c(s.port());
    c.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
    bool closed = false;
    auto start = std::chrono::steady_clock::now();
    std::string out = c.read_all(&closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(http_limits, handler_past_its_deadline_gets_503_and_a_close) {
    server_config config = test_server::quiet();
    config.handler_timeout = 200ms;
    test_server s(test_routes(), config);
    auto [status, closed] = answer(s.port(), "GET /slow?ms=5000 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status, 503);
    EXPECT_TRUE(closed);
}

TEST(http_limits, the_handler_deadline_does_not_count_the_wait_for_a_slow_body) {
    server_config config = test_server::quiet();
    config.handler_timeout = 300ms;
    test_server s(test_routes(), config);
    raw_client c(s.port());
    c.send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
    for (const char* byte : {"a", "b", "c"}) {
        std::this_thread::sleep_for(200ms);
        c.send(byte);
    }
    std::string out = c.read_all();
    EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK")) << out;
    EXPECT_TRUE(out.ends_with("\r\n\r\n3")) << out;
}

// Asks for a 20 MB streamed response, reads nothing for `pause`, then reads
// until the server closes (or the client's timeout passes).
std::string read_big_stream_late(const server_config& config, std::chrono::milliseconds pause,
                                 bool& closed) {
    test_server s(test_routes(), config);
    raw_client c(s.port());
    c.send("GET /stream-big HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(pause);
    return c.read_all(&closed);
}

TEST(http_limits, a_handler_timeout_during_a_blocked_streamed_write_sends_the_head_once) {
    // The handler's time runs out in the middle of the blocked write.
    server_config config = test_server::quiet();
    config.handler_timeout = 300ms;
    bool closed = false;
    std::string out = read_big_stream_late(config, 1s, closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(count(out, "HTTP/1.1 200"), 1) << "the response was written again";
    EXPECT_FALSE(out.ends_with("\r\n0\r\n\r\n")) << "a failed stream must not look finished";
}

TEST(http_limits, a_client_that_reads_nothing_of_a_response_is_closed_after_send_timeout) {
    server_config config = test_server::quiet();
    config.send_timeout = 300ms;
    bool closed = false;
    std::string out = read_big_stream_late(config, 1500ms, closed);
    EXPECT_TRUE(closed) << "the server kept the connection";
    EXPECT_LT(out.size(), 20'000'000u) << "the whole response went out";
}

TEST(http_limits, connections_beyond_the_maximum_get_503) {
    server_config config = test_server::quiet();
    config.max_connections = 2;
    test_server s(test_routes(), config);
    raw_client a(s.port()), b(s.port());
    a.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
    b.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
    a.read_until("Hello, World!");
    b.read_until("Hello, World!");
    auto [status, closed] = answer(s.port(), "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status, 503);
    EXPECT_TRUE(closed);
}

TEST(http_limits, handler_exception_is_500_and_the_connection_goes_on) {
    std::vector<std::string> reports;
    std::mutex lock;
    server_config config;
    config.report = [&](std::string_view line) {
        std::lock_guard g(lock);
        reports.emplace_back(line);
    };
    test_server s(test_routes(), config);
    raw_client c(s.port());
    c.send(
        "GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: x\r\n"
        "Connection: close\r\n\r\n");
    std::string out = c.read_all();
    EXPECT_TRUE(out.starts_with("HTTP/1.1 500")) << out;
    EXPECT_NE(out.find("Hello, World!"), std::string::npos) << out;
    s.stop();
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_NE(reports[0].find("handler failure"), std::string::npos) << reports[0];
}

}  // namespace
}  // namespace rivet::http::testing
