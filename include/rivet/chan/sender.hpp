// sender: the sending end of a channel.
//
// A sender of an mpsc or mpmc channel is copyable (each copy is one more
// sender); the single sender of spsc and spmc is move-only, so the type
// says who may send. The channel closes when its last sender is destroyed
// (or on close()), and also when its last receiver goes: nobody would
// receive.
#pragma once

#include <chrono>
#include <cstddef>
#include <limits>
#include <rivet/chan/detail/channel.hpp>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/task.hpp>
#include <span>
#include <utility>

namespace rivet::chan {

template <class T, shape S>
class [[nodiscard]] sender {
    static constexpr bool copyable = S == shape::mpsc || S == shape::mpmc;

public:
    using value_type = T;

    sender() noexcept = default;
    explicit sender(detail::channel<T, S>* ch) noexcept : ch_(ch) { ch_->add_sender(); }
    sender(const sender& other) noexcept requires copyable : ch_(other.ch_) {
        if (ch_ != nullptr) ch_->add_sender();
    }
    sender& operator=(const sender& other) noexcept requires copyable {
        sender(other).swap(*this);
        return *this;
    }
    sender(sender&& other) noexcept : ch_(std::exchange(other.ch_, nullptr)) {}
    sender& operator=(sender&& other) noexcept {
        sender(std::move(other)).swap(*this);
        return *this;
    }
    ~sender() {
        if (ch_ != nullptr) ch_->drop_sender();
    }
    void swap(sender& other) noexcept { std::swap(ch_, other.ch_); }

    /// Suspends until `value` is in the channel. Throws send_error (holding
    /// the value) if the channel is or becomes closed, cancelled_error if the
    /// task is cancelled first (the value is then not sent).
    [[nodiscard]] auto send(T value) {
        struct awaiter {
            detail::channel<T, S>* ch;
            T value;
            runtime::task<void> slow;
            bool sent = false;

            // Inlined into the sending coroutine, with what is rare out of
            // line: a call per item cost more than the ring's own work.
            [[gnu::always_inline]] bool await_ready() {
                const detail::push_status st = ch->try_send(value);
                if (st == detail::push_status::ok) [[likely]] {
                    sent = true;
                    return detail::keep_running();
                }
                return not_sent(st);
            }
            [[gnu::noinline]] bool not_sent(detail::push_status st) {
                if (st == detail::push_status::closed) throw send_error<T>(std::move(value));
                runtime::this_task::throw_if_cancelled();
                return false;  // full: wait in send_slow
            }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<> h) {
                if (sent) {
                    detail::yield_to_queue(h);
                    return std::noop_coroutine();
                }
                slow = ch->send_slow(value);
                return slow.operator co_await().await_suspend(h);
            }
            void await_resume() {
                if (slow.valid()) slow.operator co_await().await_resume();
            }
        };
        return awaiter{ch_, std::move(value), {}, false};
    }

    /// Sends `value` from a plain thread: spins briefly, then parks. Throws
    /// send_error if the channel is closed, runtime::timeout_error if
    /// `timeout` passes first (the value is then not sent).
    void send_blocking(T value,
                       std::chrono::nanoseconds timeout = std::chrono::nanoseconds::max()) {
        ch_->send_blocking(value, detail::deadline_after(timeout));
    }

    /// Sends `value` if there is room now; never waits. Moves from `value`
    /// only when it returns true (false: full, or closed).
    [[nodiscard]] bool try_send(T&& value) {
        return ch_->try_send(value) == detail::push_status::ok;
    }
    /// As above, sending a copy of `value`.
    [[nodiscard]] bool try_send(const T& value) {
        T copy(value);
        return ch_->try_send(copy) == detail::push_status::ok;
    }

    /// Sends every item of `items` in order, suspending while the channel is
    /// full; returns how many were sent, fewer if the channel closed or the
    /// wait was cancelled or timed out (the rest are left in `items`,
    /// unmoved). A cancellation or timeout before the first item went is
    /// thrown, as by send(). Await it at once: it refers to `items`.
    runtime::task<std::size_t> send_many(std::span<T> items) {
        std::size_t sent = 0;
        for (T& item : items) {
            if (ch_->try_send(item) == detail::push_status::ok) {
                // As send(): a batch that always finds room yields now and
                // then rather than hold its worker.
                if (!detail::keep_running()) co_await detail::requeue{};
            } else {
                try {
                    co_await ch_->send_slow(item);
                } catch (const send_error<T>& e) {
                    item = std::move(e.value());
                    co_return sent;
                } catch (const runtime::cancelled_error&) {
                    // The items that went must be counted: the caller could
                    // not tell them from the rest otherwise.
                    if (sent == 0) throw;
                    co_return sent;
                }
            }
            ++sent;
        }
        co_return sent;
    }

    /// Closes the channel: receivers drain what is in it, then see the end.
    void close() noexcept { ch_->close(detail::closer::sender); }
    [[nodiscard]] bool is_closed() const noexcept { return ch_->closed(); }
    /// Items waiting now (a snapshot) and the capacity (SIZE_MAX: unbounded).
    [[nodiscard]] std::size_t size() const noexcept { return ch_->size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return ch_->capacity(); }
    /// False for a moved-from or default-constructed handle.
    explicit operator bool() const noexcept { return ch_ != nullptr; }

private:
    detail::channel<T, S>* ch_ = nullptr;
};

}  // namespace rivet::chan
