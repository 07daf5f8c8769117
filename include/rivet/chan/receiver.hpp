// receiver: the receiving end of a channel.
//
// A receiver of an spmc or mpmc channel is copyable (each copy is one more
// receiver, and each item goes to exactly one of them); the single receiver
// of spsc and mpsc is move-only. The end of the stream is a value, not an
// exception: once the channel is closed and drained, recv() returns an
// empty optional.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <rivet/chan/detail/channel.hpp>
#include <rivet/runtime/task.hpp>
#include <utility>
#include <vector>

namespace rivet::chan {

template <class T, shape S>
class [[nodiscard]] receiver {
    static constexpr bool copyable = S == shape::spmc || S == shape::mpmc;

public:
    using value_type = T;

    receiver() noexcept = default;
    explicit receiver(detail::channel<T, S>* ch) noexcept : ch_(ch) { ch_->add_receiver(); }
    receiver(const receiver& other) noexcept requires copyable : ch_(other.ch_) {
        if (ch_ != nullptr) ch_->add_receiver();
    }
    receiver& operator=(const receiver& other) noexcept requires copyable {
        receiver(other).swap(*this);
        return *this;
    }
    receiver(receiver&& other) noexcept : ch_(std::exchange(other.ch_, nullptr)) {}
    receiver& operator=(receiver&& other) noexcept {
        receiver(std::move(other)).swap(*this);
        return *this;
    }
    ~receiver() {
        if (ch_ != nullptr) ch_->drop_receiver();
    }
    void swap(receiver& other) noexcept { std::swap(ch_, other.ch_); }

    /// Suspends until an item arrives (returned) or the channel is closed and
    /// drained (empty). Throws cancelled_error if the task is cancelled
    /// first; a cancelled receive takes no item.
    [[nodiscard]] auto recv() {
        struct awaiter {
            detail::channel<T, S>* ch;
            std::optional<T> value;
            runtime::task<std::optional<T>> slow;
            bool done = false;

            // Inlined into the receiving coroutine, with what is rare out of
            // line (see sender::send).
            [[gnu::always_inline]] bool await_ready() {
                if (ch->try_recv(value)) [[likely]] {
                    done = true;
                    return detail::keep_running();
                }
                return nothing_now();
            }
            [[gnu::noinline]] bool nothing_now() {
                if (ch->ended()) {
                    done = true;
                    return detail::keep_running();
                }
                runtime::this_task::throw_if_cancelled();
                return false;  // empty: wait in recv_slow
            }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<> h) {
                if (done) {
                    detail::yield_to_queue(h);
                    return std::noop_coroutine();
                }
                slow = ch->recv_slow();
                return slow.operator co_await().await_suspend(h);
            }
            std::optional<T> await_resume() {
                if (slow.valid()) return slow.operator co_await().await_resume();
                return detail::move_out(value);
            }
        };
        return awaiter{ch_, std::nullopt, {}, false};
    }

    /// Receives from a plain thread: spins briefly, then parks. Empty at the
    /// end of the stream; throws runtime::timeout_error if `timeout` passes
    /// first (no item is taken then).
    [[nodiscard]] std::optional<T> recv_blocking(
        std::chrono::nanoseconds timeout = std::chrono::nanoseconds::max()) {
        return ch_->recv_blocking(detail::deadline_after(timeout));
    }

    /// An item if one is there now; never waits (see at_end()).
    [[nodiscard]] std::optional<T> try_recv() { return ch_->try_recv(); }

    /// Waits for at least one item, then appends up to `max` that are there
    /// without waiting to `out`. Returns how many it appended: 0 only at the
    /// end of the stream. Await it at once: it refers to `out`.
    runtime::task<std::size_t> recv_many(std::vector<T>& out, std::size_t max) {
        std::size_t received = 0;
        while (received < max) {
            std::optional<T> value = ch_->try_recv();
            if (!value) {
                if (received != 0) break;
                value = co_await recv();
                if (!value) break;
            }
            out.push_back(std::move(*value));
            ++received;
        }
        co_return received;
    }

    /// As recv_many, from a plain thread.
    std::size_t recv_many_blocking(std::vector<T>& out, std::size_t max) {
        std::size_t received = 0;
        while (received < max) {
            std::optional<T> value = ch_->try_recv();
            if (!value) {
                if (received != 0) break;
                value = recv_blocking();
                if (!value) break;
            }
            out.push_back(std::move(*value));
            ++received;
        }
        return received;
    }

    /// Closes the channel from the receiving side: sends fail from now on;
    /// receivers may still drain what is in it (what none takes is
    /// destroyed with the channel). Like every call on a handle of a single
    /// end, not concurrent with another call on the same handle (on an
    /// spsc channel a close racing the receive could hand an item out twice).
    void close() noexcept { ch_->close(detail::closer::receiver); }
    /// Closed and drained: no item will ever come.
    [[nodiscard]] bool at_end() const noexcept { return ch_->ended(); }
    [[nodiscard]] std::size_t size() const noexcept { return ch_->size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return ch_->capacity(); }
    explicit operator bool() const noexcept { return ch_ != nullptr; }

    /// For select: the channel behind this receiver.
    detail::channel<T, S>* channel() const noexcept { return ch_; }

private:
    detail::channel<T, S>* ch_ = nullptr;
};

}  // namespace rivet::chan
