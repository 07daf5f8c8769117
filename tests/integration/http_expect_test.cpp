// Expect: 100-continue: when the interim 100 is sent, and when it must not be.
#include <gtest/gtest.h>

#include "http_harness.hpp"
#include "http_routes.hpp"

namespace rivet::http::testing {
namespace {

using namespace std::chrono_literals;

TEST(http_expect, an_http10_request_expecting_100_continue_gets_no_100) {
    test_server s(test_routes());
    raw_client c(s.port(), 300ms);
    c.send("POST /count HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    // The handler waits for the body; a 100 would be sent now.
    EXPECT_EQ(c.read_all(), "") << "a 1.0 client cannot read a 100";
    c.send("hello");
    bool closed = false;
    std::string out = c.read_all(&closed);
    EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK")) << out;
    EXPECT_TRUE(out.ends_with("\r\n\r\n5")) << out;
    EXPECT_TRUE(closed);
}

TEST(http_expect, no_100_continue_is_sent_inside_a_response_already_streaming) {
    test_server s(test_routes());
    raw_client c(s.port());
    c.send(
        "POST /stream-then-read HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        "Expect: 100-continue\r\nConnection: close\r\n\r\n");
    std::string out = c.read_until("first\n");
    c.send("hello");
    out += c.read_all();
    EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK")) << out;
    EXPECT_EQ(out.find("100 Continue"), std::string::npos) << out;
    EXPECT_TRUE(out.ends_with("6\r\nfirst\n\r\n5\r\nhello\r\n0\r\n\r\n")) << out;
}

}  // namespace
}  // namespace rivet::http::testing
