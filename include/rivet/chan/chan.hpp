// rivet channels: typed queues between tasks and threads.
//
// A channel has a shape, which says who may use which end, and a capacity:
//
//   auto [tx, rx] = chan::spsc<int>(64);            // bounded: a lock-free ring
//   auto [tx, rx] = chan::mpmc<job>(chan::unbounded); // linked segments
//
//   co_await tx.send(42);                  // in a task: suspends while full
//   std::optional<int> v = co_await rx.recv();  // empty at the end of the stream
//   tx.send_blocking(42);                  // in a plain thread: spins, then parks
//   bool sent = tx.try_send(42);           // never waits
//
// Shapes: spsc, mpsc, spmc, mpmc. The "many" ends are copyable handles, the
// single ends move-only. Every shape keeps FIFO order: spsc trivially, the
// others through one global order of positions (see mpmc_ring.hpp for what
// that costs).
//
// Guarantees:
// - An item sent is received exactly once, or destroyed with the channel if
//   every receiver has gone. A send that fails (closed: send_error, which
//   holds the value; cancelled; timed out) did not enqueue its value. A
//   receive that fails (cancelled, timed out) took no item.
// - Close: explicit (either end), or when the last sender goes, or the last
//   receiver. Receivers drain what is left, then see the end (an empty
//   optional); sends fail with send_error.
// - Waiting never burns a core: a thread tries again for about 200 CPU
//   pauses (a few between tries), then parks on a futex; a task gives way to
//   its worker's other tasks up to 16 times (trying again after each), then
//   suspends. Every wait of a task is a cancellation point, and
//   with_timeout() bounds it.
//
// Capacity is rounded up to a power of two (at least 2 for the shapes with a
// many end). Items must be nothrow move-constructible.
#pragma once

#include <cstddef>
#include <rivet/chan/receiver.hpp>
#include <rivet/chan/sender.hpp>
#include <stdexcept>
#include <utility>

namespace rivet::chan {

/// Tag for an unbounded channel: sends never wait.
struct unbounded_t {
    explicit unbounded_t() = default;
};
inline constexpr unbounded_t unbounded{};

template <class T, shape S>
using channel_pair = std::pair<sender<T, S>, receiver<T, S>>;

namespace detail {

template <class T, shape S>
channel_pair<T, S> make_channel(std::size_t capacity, bool is_unbounded) {
    if (!is_unbounded && capacity == 0 && S != shape::mpmc) {
        throw std::invalid_argument(
            "rivet: a bounded channel needs a capacity of at least 1 (0, a rendezvous, is mpmc "
            "only)");
    }
    auto* ch = new channel<T, S>(capacity, is_unbounded);
    return {sender<T, S>(ch), receiver<T, S>(ch)};
}

}  // namespace detail

/// A single-producer single-consumer channel holding up to `capacity` items.
template <class T>
channel_pair<T, shape::spsc> spsc(std::size_t capacity) {
    return detail::make_channel<T, shape::spsc>(capacity, false);
}
template <class T>
channel_pair<T, shape::spsc> spsc(unbounded_t) {
    return detail::make_channel<T, shape::spsc>(0, true);
}

/// A multi-producer single-consumer channel.
template <class T>
channel_pair<T, shape::mpsc> mpsc(std::size_t capacity) {
    return detail::make_channel<T, shape::mpsc>(capacity, false);
}
template <class T>
channel_pair<T, shape::mpsc> mpsc(unbounded_t) {
    return detail::make_channel<T, shape::mpsc>(0, true);
}

/// A single-producer multi-consumer channel.
template <class T>
channel_pair<T, shape::spmc> spmc(std::size_t capacity) {
    return detail::make_channel<T, shape::spmc>(capacity, false);
}
template <class T>
channel_pair<T, shape::spmc> spmc(unbounded_t) {
    return detail::make_channel<T, shape::spmc>(0, true);
}

/// A multi-producer multi-consumer channel. Capacity 0 makes a rendezvous:
/// a send completes when a receiver takes its item (try_send never succeeds).
template <class T>
channel_pair<T, shape::mpmc> mpmc(std::size_t capacity) {
    return detail::make_channel<T, shape::mpmc>(capacity, false);
}
template <class T>
channel_pair<T, shape::mpmc> mpmc(unbounded_t) {
    return detail::make_channel<T, shape::mpmc>(0, true);
}

}  // namespace rivet::chan
