// A connection that cannot be set up for want of memory: it closes, and the
// server goes on serving the others. Its own binary: it replaces operator
// new, which would take ASan's allocation checks away from the other tests.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "../http_harness.hpp"
#include "../http_routes.hpp"

namespace {

// An allocation of exactly this many bytes fails (0: none does).
std::atomic<std::size_t> failing_size{0};

void* allocate(std::size_t n) {
    if (n != 0 && n == failing_size.load(std::memory_order_relaxed)) throw std::bad_alloc();
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

namespace http = rivet::http;
using http::testing::raw_client;
using http::testing::test_server;

TEST(http_out_of_memory, a_connection_without_memory_closes_and_the_others_are_served) {
    http::server_config config = test_server::quiet();
    config.max_head =
        12'345;  // a connection's buffer: max_head + 16 KiB, a size nothing else asks for
    test_server server(http::testing::test_routes(), config);
    raw_client served_before(server.port());
    served_before.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(served_before.read_until("Hello, World!").find("200 OK"), std::string::npos);

    failing_size = 12'345 + 16'384;
    {
        raw_client refused(server.port());
        refused.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
        bool closed = false;
        EXPECT_EQ(refused.read_all(&closed), "");
        EXPECT_TRUE(closed);
    }
    failing_size = 0;

    // The connection made before, and a new one, are still served.
    served_before.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(served_before.read_until("Hello, World!").find("200 OK"), std::string::npos);
    raw_client served_after(server.port());
    served_after.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(served_after.read_until("Hello, World!").find("200 OK"), std::string::npos);
}

}  // namespace
