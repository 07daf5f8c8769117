// The server against real clients: curl and Python's http.client.
#include <gtest/gtest.h>

#include "http_harness.hpp"
#include "http_routes.hpp"

namespace rivet::http::testing {
namespace {

TEST(http_clients, curl_reuses_one_connection_for_several_requests) {
    test_server s(test_routes());
    std::string out = run("curl -sv " + s.url("/plaintext") + " " + s.url("/json") + " " +
                          s.url("/users/7") + " 2>&1");
    EXPECT_NE(out.find("Hello, World!"), std::string::npos) << out;
    EXPECT_NE(out.find("{\"message\":\"Hello, World!\"}"), std::string::npos) << out;
    EXPECT_NE(out.find("user 7"), std::string::npos) << out;
    EXPECT_EQ(count(out, "Re-using existing connection"), 2) << out;
}

TEST(http_clients, curl_sends_a_chunked_body_and_gets_it_back) {
    test_server s(test_routes());
    std::string out =
        run("printf 'abc%.0s' $(seq 1 5000) | curl -s -H 'Transfer-Encoding: chunked' "
            "--data-binary @- " +
            s.url("/count"));
    EXPECT_EQ(out, "15000");
}

TEST(http_clients, curl_waits_for_100_continue_then_sends_the_body) {
    test_server s(test_routes());
    std::string out =
        run("head -c 300000 /dev/zero | curl -sv -H 'Expect: 100-continue' "
            "--data-binary @- " +
            s.url("/count") + " 2>&1");
    EXPECT_NE(out.find("HTTP/1.1 100 Continue"), std::string::npos) << out;
    EXPECT_NE(out.find("300000"), std::string::npos) << out;
}

TEST(http_clients, curl_reads_a_chunked_streamed_response) {
    test_server s(test_routes());
    std::string raw = run("curl -s --raw " + s.url("/stream?n=3"));
    EXPECT_EQ(raw, "8\r\nchunk 0\n\r\n8\r\nchunk 1\n\r\n8\r\nchunk 2\n\r\n0\r\n\r\n");
    EXPECT_EQ(run("curl -s " + s.url("/stream?n=2")), "chunk 0\nchunk 1\n");
}

TEST(http_clients, curl_http10_without_keep_alive_gets_the_connection_closed) {
    test_server s(test_routes());
    std::string out = run("curl -sv --http1.0 " + s.url("/plaintext") + " 2>&1");
    EXPECT_NE(out.find("Hello, World!"), std::string::npos) << out;
    EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
    // With keep-alive asked for, HTTP/1.0 gets it, said explicitly.
    out = run("curl -sv --http1.0 -H 'Connection: keep-alive' " + s.url("/plaintext") + " " +
              s.url("/json") + " 2>&1");
    EXPECT_NE(out.find("Connection: keep-alive"), std::string::npos) << out;
    EXPECT_EQ(count(out, "Re-using existing connection"), 1) << out;
}

TEST(http_clients, curl_head_gets_the_get_headers_without_a_body) {
    test_server s(test_routes());
    std::string out = run("curl -sI " + s.url("/json"));
    EXPECT_NE(out.find("HTTP/1.1 200 OK"), std::string::npos) << out;
    EXPECT_NE(out.find("Content-Length: 27"), std::string::npos) << out;
}

TEST(http_clients, curl_options_gets_204_with_allow_and_dot_segments_are_removed) {
    test_server s(test_routes());
    std::string out = run("curl -si -X OPTIONS " + s.url("/json"));
    EXPECT_NE(out.find("HTTP/1.1 204 No Content"), std::string::npos) << out;
    EXPECT_NE(out.find("Allow: GET, HEAD, OPTIONS"), std::string::npos) << out;
    // --path-as-is: curl would remove the dots itself.
    EXPECT_EQ(run("curl -s --path-as-is " + s.url("/nope/%2e%2e/plaintext")), "Hello, World!");
}

// Python's http.client: keep-alive over one connection, a chunked request
// body, JSON echo, a 404, a 405 with Allow, a 500 that leaves the
// connection usable, and a client-side Connection: close.
TEST(http_clients, python_http_client_session) {
    test_server s(test_routes());
    std::string script = R"PY(
import http.client, json, sys
c = http.client.HTTPConnection('127.0.0.1', PORT, timeout=5)
def req(method, path, body=None, headers={}, **kw):
    c.request(method, path, body=body, headers=headers, **kw)
    r = c.getresponse()
    return r.status, r.read(), r
out = []
s, b, r = req('GET', '/plaintext'); out.append((s, b.decode()))
sock = c.sock
s, b, r = req('POST', '/json-echo', json.dumps({"id": 12345, "name": "test_item", "tags": ["a"]}),
              {'Content-Type': 'application/json'}); out.append((s, b.decode()))
s, b, r = req('POST', '/echo', (x for x in [b'ab', b'cd', b'ef']), encode_chunked=True); out.append((s, b.decode()))
s, b, r = req('POST', '/json-echo', '{bad'); out.append((s, b.decode().startswith('invalid JSON')))
s, b, r = req('GET', '/nowhere'); out.append((s,))
s, b, r = req('DELETE', '/json'); out.append((s, r.getheader('Allow')))
s, b, r = req('GET', '/throw'); out.append((s, b.decode()))
s, b, r = req('GET', '/users/caf%C3%A9'); out.append((s, b.decode()))
out.append(('same-socket', c.sock is sock))
s, b, r = req('GET', '/plaintext', headers={'Connection': 'close'}); out.append((s, r.getheader('Connection')))
print(json.dumps(out))
)PY";
    std::string cmd = "python3 -c \"$(cat <<'EOF'\n" + script + "\nEOF\n)\"";
    std::string::size_type at = cmd.find("PORT");
    cmd.replace(at, 4, std::to_string(s.port()));
    std::string out = run(cmd);
    EXPECT_EQ(out,
              "[[200, \"Hello, World!\"], [200, \"{\\\"id\\\":12345,\\\"name\\\":\\\"test_item\\\","
              "\\\"tags\\\":[\\\"a\\\"]}\"], [200, \"abcdef\"], [400, true], [404], [405, \"GET, "
              "HEAD, OPTIONS\"], [500, \"internal server error\\n\"], [200, \"user caf\\u00e9\"], "
              "[\"same-socket\", true], [200, \"close\"]]\n");
}

TEST(http_clients, pipelined_requests_are_answered_in_order) {
    test_server s(test_routes());
    raw_client c(s.port());
    std::string batch;
    for (int i = 0; i < 16; ++i) {
        batch += "GET /users/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }
    batch += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz";
    batch += "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    c.send(batch);
    bool closed = false;
    std::string out = c.read_all(&closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 18) << out;
    std::size_t at = 0;
    for (int i = 0; i < 16; ++i) {
        std::size_t next = out.find("user " + std::to_string(i), at);
        ASSERT_NE(next, std::string::npos) << i;
        at = next;
    }
    EXPECT_LT(out.find("user 15"), out.find("xyz"));
    EXPECT_LT(out.find("xyz"), out.find("Hello, World!"));
}

TEST(http_clients, a_streamed_204_sends_no_body_and_the_next_response_follows_cleanly) {
    test_server s(test_routes());
    raw_client c(s.port());
    c.send(
        "GET /stream-204 HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string out = c.read_all();
    ASSERT_TRUE(out.starts_with("HTTP/1.1 204")) << out;
    std::size_t end_of_204 = out.find("\r\n\r\n") + 4;
    EXPECT_TRUE(out.substr(end_of_204).starts_with("HTTP/1.1 200 OK")) << out;
    EXPECT_EQ(out.find("ignored"), std::string::npos) << out;
}

TEST(http_clients, close_connection_after_a_streamed_write_closes_it) {
    test_server s(test_routes());
    raw_client c(s.port());
    c.send(
        "GET /stream-then-close HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
    bool closed = false;
    std::string out = c.read_all(&closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 1) << out;
    EXPECT_EQ(out.find("Hello, World!"), std::string::npos) << "the pipelined request was served";
}

TEST(http_clients, a_pipelined_head_ending_at_the_end_of_the_buffer_still_gets_its_body) {
    // Requests already answered fill the read buffer so that the POST's head
    // ends exactly at its end (max_head + 16 KiB), then its body follows.
    test_server s(test_routes());
    const std::size_t buffer = server_config{}.max_head + 16384;
    std::string post =
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX-Pad: " + std::string(10000, 'p') +
        "\r\n\r\n";
    auto get_padded_to = [](std::size_t size) {
        std::string head = "GET /plaintext HTTP/1.1\r\nHost: x\r\nX-Pad: ";
        return head + std::string(size - head.size() - 4, 'q') + "\r\n\r\n";
    };
    std::string first = get_padded_to(11000);
    std::string all = first + get_padded_to(buffer - first.size() - post.size()) + post;
    ASSERT_EQ(all.size(), buffer);
    raw_client c(s.port());
    c.send(all + "hello" + "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string out = c.read_all();
    EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 4) << out.substr(0, 2000);
    EXPECT_NE(out.find("hello"), std::string::npos);
}

TEST(http_clients, unread_body_is_discarded_and_the_connection_kept) {
    test_server s(test_routes());
    raw_client c(s.port());
    c.send(
        "POST /ignore-body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string out = c.read_all();
    EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 2) << out;
    EXPECT_NE(out.find("Hello, World!"), std::string::npos) << out;
}

TEST(http_clients, large_body_then_a_pipelined_request_arrive_whole_and_in_order) {
    test_server s(test_routes());
    raw_client c(s.port());
    std::string body(200'000, 'x');
    for (std::size_t i = 0; i < body.size(); i += 1000) body[i] = static_cast<char>('a' + i % 26);
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body + "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string out = c.read_all();
    std::size_t at = out.find("\r\n\r\n");
    ASSERT_NE(at, std::string::npos) << out.substr(0, 200);
    EXPECT_NE(out.find("Content-Length: 200000"), std::string::npos) << out.substr(0, at);
    EXPECT_EQ(out.substr(at + 4, body.size()), body);
    EXPECT_TRUE(out.ends_with("Hello, World!")) << out.substr(out.size() - 200);
}

}  // namespace
}  // namespace rivet::http::testing
