#include "request_parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rivet::http::detail {
namespace {

struct outcome {
    parse_state state;
    int status = 0;
    std::string body;
    std::size_t consumed = 0;  // bytes of the input that were this message's
};

// Parses `text` fed in pieces of `step` bytes, head then body.
outcome parse(const std::string& text, std::size_t step = 1 << 20, parser_limits limits = {}) {
    request_parser p(limits);
    p.reset();
    std::size_t fed = 0;
    parse_state s = parse_state::need_more;
    while (s == parse_state::need_more && fed < text.size()) {
        std::size_t next = std::min(text.size(), fed + step);
        s = p.parse_head(text.data(), next, fed);
        fed = next;
    }
    if (s != parse_state::head_complete) return {s, p.error_status()};
    std::string body;
    std::size_t at = p.head_length();
    std::vector<std::span<const char>> pieces;
    s = parse_state::need_more;
    while (s == parse_state::need_more) {
        std::size_t n = std::min(step, text.size() - at);
        std::size_t used = 0;
        pieces.clear();
        s = p.parse_body(text.data() + at, n, used, pieces);
        for (auto piece : pieces) body.append(piece.data(), piece.size());
        at += used;
        if (s == parse_state::need_more && n == 0) break;
    }
    return {s, p.error_status(), body, at};
}

TEST(request_parser, head_fields_keep_case_and_trim_trailing_whitespace) {
    std::string text = "GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Thing: v  \r\n\r\n";
    request_parser p({});
    p.reset();
    ASSERT_EQ(p.parse_head(text.data(), text.size(), 0), parse_state::head_complete);
    EXPECT_EQ(p.head_length(), text.size());
    EXPECT_EQ(p.method_name(), "GET");
    EXPECT_EQ(p.target(text.data()), "/a?b=1");
    ASSERT_EQ(p.fields().size(), 2u);
    const field_span& f = p.fields()[1];
    EXPECT_EQ(std::string_view(text.data() + f.name_offset, f.name_length), "X-Thing");
    EXPECT_EQ(std::string_view(text.data() + f.value_offset, f.value_length), "v");
    EXPECT_TRUE(p.keep_alive());
    EXPECT_FALSE(p.has_body());
}

TEST(request_parser, head_split_byte_by_byte_parses_the_same) {
    std::string text = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    outcome o = parse(text, 1);
    EXPECT_EQ(o.state, parse_state::message_complete);
    EXPECT_EQ(o.body, "hello");
}

TEST(request_parser, bodyless_request_completes_without_more_bytes) {
    outcome o = parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(o.state, parse_state::message_complete);
}

TEST(request_parser, stops_at_the_end_of_the_message_before_a_pipelined_one) {
    std::string first = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab";
    outcome o = parse(first + "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(o.state, parse_state::message_complete);
    EXPECT_EQ(o.consumed, first.size());
}

TEST(request_parser, chunked_body_is_decoded) {
    outcome o = parse(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n",
        3);
    EXPECT_EQ(o.state, parse_state::message_complete);
    EXPECT_EQ(o.body, "abcde");
}

TEST(request_parser, http10_defaults_to_close_and_needs_no_host) {
    std::string text = "GET / HTTP/1.0\r\n\r\n";
    request_parser p({});
    p.reset();
    ASSERT_EQ(p.parse_head(text.data(), text.size(), 0), parse_state::head_complete);
    EXPECT_FALSE(p.keep_alive());
}

TEST(request_parser, long_target_is_414) {
    parser_limits limits;
    limits.max_target = 100;
    outcome o = parse("GET /" + std::string(200, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 7, limits);
    EXPECT_EQ(o.status, 414);
}

TEST(request_parser, large_head_is_431) {
    parser_limits limits;
    limits.max_head = 1024;
    outcome o = parse("GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", 100,
                      limits);
    EXPECT_EQ(o.status, 431);
}

TEST(request_parser, too_many_fields_is_431) {
    parser_limits limits;
    limits.max_headers = 3;
    outcome o = parse("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 1 << 20, limits);
    EXPECT_EQ(o.status, 431);
}

TEST(request_parser, declared_body_over_the_limit_is_413_before_reading_it) {
    parser_limits limits;
    limits.max_body = 10;
    outcome o = parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", 1 << 20, limits);
    EXPECT_EQ(o.status, 413);
}

TEST(request_parser, chunked_body_over_the_limit_is_413) {
    parser_limits limits;
    limits.max_body = 10;
    outcome o = parse(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\naaaaaaaa\r\n"
        "8\r\naaaaaaaa\r\n0\r\n\r\n",
        1 << 20, limits);
    EXPECT_EQ(o.status, 413);
}

// Request smuggling: each of these is 400 (and the connection then closes).
class smuggling : public testing::TestWithParam<const char*> {};

TEST_P(smuggling, is_refused_with_400) {
    outcome o = parse(GetParam());
    EXPECT_EQ(o.state, parse_state::error) << GetParam();
    EXPECT_EQ(o.status, 400) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    request_parser, smuggling,
    testing::Values(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        "0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
        "0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  \r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n: x\r\n\r\n", "GET / HTTP/1.1\r\n:\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n\tb\r\n\r\n", "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET / HTTP/1.1\r\n Host: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHo\x01st: x\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n", "GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
        "G@T / HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n",
        // Bare CR or LF in the framing around the data, obs-fold in trailers.
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\rXabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\rXabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\rX\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n"));

struct refusal {
    const char* request;
    int status;
    friend void PrintTo(const refusal& r, std::ostream* out) {
        *out << testing::PrintToString(r.request);
    }
};

// The request line: one space on each side of the target, HTTP/1.0 or 1.1.
class request_line : public testing::TestWithParam<refusal> {};

TEST_P(request_line, is_refused) {
    outcome o = parse(GetParam().request);
    EXPECT_EQ(o.state, parse_state::error);
    EXPECT_EQ(o.status, GetParam().status);
}

INSTANTIATE_TEST_SUITE_P(request_parser, request_line,
                         testing::Values(refusal{"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
                                         refusal{"GET /  HTTP/1.1\r\nHost: x\r\n\r\n", 400},
                                         refusal{"GET /\tHTTP/1.1\r\nHost: x\r\n\r\n", 400},
                                         refusal{"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
                                         refusal{"GET / HTTP/0.9\r\nHost: x\r\n\r\n", 505}));

// Fed in pieces of every size up to `max_step`: `text` parses whole to
// `body`, and `text` with byte `at` replaced by `with` is refused with 400.
void expect_framing_checked_in_any_split(const std::string& text, const std::string& body,
                                         std::size_t at, char with, std::size_t max_step) {
    std::string bad = text;
    bad[at] = with;
    for (std::size_t step = 1; step <= max_step; ++step) {
        outcome o = parse(text, step);
        EXPECT_EQ(o.state, parse_state::message_complete) << step;
        EXPECT_EQ(o.body, body) << step;
        EXPECT_EQ(parse(bad, step).status, 400) << step;
    }
}

TEST(request_parser, chunk_crlf_split_across_reads_is_checked) {
    std::string text =
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    expect_framing_checked_in_any_split(text, "abc", text.find("abc") + 4, 'x', 7);  // "abc\rx"
}

TEST(request_parser, chunked_framing_with_extensions_and_trailers_is_checked_in_any_split) {
    std::string text =
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3;name=value\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n";
    // The trailer section ending in a bare LF.
    expect_framing_checked_in_any_split(text, "abcde", text.rfind("\r\n\r\n"), '\n', 11);
}

}  // namespace
}  // namespace rivet::http::detail
