// The example of the README (keep the two in step).
#include <rivet/runtime/runtime.hpp>
#include <rivet/runtime/time.hpp>

namespace rt = rivet::runtime;
using namespace std::chrono_literals;

rt::task<int> slow_square(int x) {
    co_await rt::sleep_for(10ms);
    co_return x* x;
}

rt::task<int> sum(rt::join_handle<int> a, rt::join_handle<int> b) {
    co_return co_await a + co_await b;
}

rt::task<int> main_task() {
    // spawn copies the callable and its arguments into the new task's frame.
    auto a = rt::spawn(slow_square, 3);
    auto b = rt::spawn(slow_square, 4);
    try {
        co_return co_await rt::with_timeout(1s, sum(std::move(a), std::move(b)));
    } catch (const rt::timeout_error&) {
        co_return -1;  // both squares are cancelled when their handles drop
    }
}

int main() { return rt::block_on(main_task()) == 25 ? 0 : 1; }
