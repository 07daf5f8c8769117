// rivet's side of the runtime suite. One case per invocation, one number on
// stdout (run.sh alternates implementations and repeats):
//   spawn <workers> <n>      ns per spawn+complete of a trivial task
//   hop <n>                  ns per hop between two tasks (1 worker)
//   cancel_check <n>         ns per this_task::is_cancelled()
//   timer <n>                ns per with_timeout around a trivial task (arm + disarm)
//   bytes_per_task <n>       RSS growth per suspended trivial task
//   echo_server <port>       a TCP echo server (1 worker) until killed
//   echo_client <port> <n>   ns per 64-byte round trip over one connection
#include <rivet/runtime/event.hpp>
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/semaphore.hpp>
#include <rivet/runtime/tcp.hpp>
#include <rivet/runtime/time.hpp>
#include <rivet/runtime/wait_group.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace rt = rivet::runtime;
using clock_type = std::chrono::steady_clock;

namespace {

double ns_since(clock_type::time_point start, long n) {
    return std::chrono::duration<double, std::nano>(clock_type::now() - start).count() /
           static_cast<double>(n);
}

rt::task<void> trivial_done(rt::wait_group* wg) {
    wg->done();
    co_return;
}

rt::task<double> spawn_case(long n) {
    rt::wait_group wg;
    wg.add(n);
    auto start = clock_type::now();
    for (long i = 0; i < n; ++i) rt::spawn(trivial_done, &wg).detach();
    co_await wg.wait();
    co_return ns_since(start, n);
}

rt::task<void> ping(rt::semaphore* mine, rt::semaphore* theirs, long n) {
    for (long i = 0; i < n; ++i) {
        theirs->release();
        co_await mine->acquire();
    }
}

rt::task<void> pong(rt::semaphore* mine, rt::semaphore* theirs, long n) {
    for (long i = 0; i < n; ++i) {
        co_await mine->acquire();
        theirs->release();
    }
}

rt::task<double> hop_case(long n) {
    rt::semaphore a(0), b(0);
    auto start = clock_type::now();
    auto p = rt::spawn(pong, &b, &a, n);
    co_await ping(&a, &b, n);
    co_await p;
    co_return ns_since(start, 2 * n);  // each round trip is two hops
}

rt::task<double> cancel_check_case(long n) {
    long seen = 0;
    auto start = clock_type::now();
    for (long i = 0; i < n; ++i) seen += rt::this_task::is_cancelled() ? 1 : 0;
    double ns = ns_since(start, n);
    if (seen != 0) std::abort();
    co_return ns;
}

rt::task<int> trivial_value() { co_return 1; }

rt::task<double> timer_case(long n) {
    long sum = 0;
    auto start = clock_type::now();
    for (long i = 0; i < n; ++i) sum += co_await rt::with_timeout(std::chrono::hours(1), trivial_value());
    double ns = ns_since(start, n);
    if (sum != n) std::abort();
    co_return ns;
}

long rss_bytes() {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * sysconf(_SC_PAGESIZE);
}

rt::task<void> parked(rt::event* e, rt::wait_group* started) {
    started->done();
    co_await e->wait();
}

rt::task<double> bytes_per_task_case(long n) {
    rt::event release;
    rt::wait_group started;
    started.add(n);
    long before = rss_bytes();
    std::vector<rt::join_handle<void>> handles;  // not counted: reserved first
    handles.reserve(static_cast<std::size_t>(n));
    long reserved = rss_bytes() - before;
    for (long i = 0; i < n; ++i) handles.push_back(rt::spawn(parked, &release, &started));
    co_await started.wait();
    long grown = rss_bytes() - before - reserved;
    release.set();
    for (auto& h : handles) co_await h;
    co_return static_cast<double>(grown) / static_cast<double>(n);
}

rt::task<void> echo(rt::tcp_stream s) {
    std::byte buf[4096];
    for (;;) {
        std::size_t got = co_await s.read(buf);
        if (got == 0) co_return;
        co_await s.write_all(std::span(buf, got));
    }
}

rt::task<void> echo_server(std::uint16_t port) {
    auto listener = rt::tcp_listener::bind(rt::socket_address::from_ip("127.0.0.1", port));
    for (;;) rt::spawn(echo, co_await listener.accept()).detach();
}

rt::task<double> echo_client(std::uint16_t port, long n) {
    auto address = rt::socket_address::from_ip("127.0.0.1", port);
    rt::tcp_stream s;
    for (int attempt = 0;; ++attempt) {  // the server may still be starting
        try {
            s = co_await rt::tcp_stream::connect(address);
            break;
        } catch (const std::system_error&) {
            if (attempt == 200) throw;
        }
        co_await rt::sleep_for(std::chrono::milliseconds(10));
    }
    std::byte message[64] = {};
    std::byte buf[64];
    auto start = clock_type::now();
    for (long i = 0; i < n; ++i) {
        co_await s.write_all(message);
        std::size_t got = 0;
        while (got < sizeof message) {
            std::size_t r = co_await s.read(std::span(buf + got, sizeof buf - got));
            if (r == 0) throw std::runtime_error("echo server closed the connection");
            got += r;
        }
    }
    co_return ns_since(start, n);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s case args...\n", argv[0]);
        return 2;
    }
    std::string which = argv[1];
    auto arg = [&](int i) { return std::atol(argv[i]); };
    rt::runtime_config one{.workers = 1, .detect_stalls = false};
    double value = 0;
    if (which == "spawn") {
        rt::runtime runtime({.workers = static_cast<unsigned>(arg(2)), .detect_stalls = false});
        runtime.block_on(spawn_case(arg(3) / 10));  // warm the frame caches
        value = runtime.block_on(spawn_case(arg(3)));
    } else if (which == "hop") {
        value = rt::block_on(hop_case(arg(2)), one);
    } else if (which == "cancel_check") {
        value = rt::block_on(cancel_check_case(arg(2)), one);
    } else if (which == "timer") {
        value = rt::block_on(timer_case(arg(2)), one);
    } else if (which == "bytes_per_task") {
        value = rt::block_on(bytes_per_task_case(arg(2)), one);
    } else if (which == "echo_server") {
        rt::runtime runtime({.workers = 1, .detect_stalls = false, .cancel_on_signals = true});
        try {
            runtime.block_on(echo_server(static_cast<std::uint16_t>(arg(2))));
        } catch (const rt::cancelled_error&) {
        }
        return 0;
    } else if (which == "echo_client") {
        value = rt::block_on(echo_client(static_cast<std::uint16_t>(arg(2)), arg(3)), one);
    } else {
        std::fprintf(stderr, "unknown case %s\n", which.c_str());
        return 2;
    }
    std::printf("%.3f\n", value);
    return 0;
}
