// rendezvous: the queue of an mpmc channel of capacity 0, where a send
// completes only when a receiver takes its item.
//
// A sender links an offer (a pointer to its value) under the lock, wakes a
// receiver through the channel's receiver waitlist, and waits on the offer.
// A receiver takes the oldest offer under the lock, moves the value out, and
// wakes that sender while still holding the lock (the offer lives in the
// sender's frame or stack, which the sender leaves only after taking the lock
// itself). Receivers wait exactly as on any other channel, so recv, the
// blocking and try forms and select work unchanged.
//
// A sender that is cancelled or times out withdraws its offer if no receiver
// has taken it yet (nothing was sent); if one has, the send completed and
// returns normally. Closing refuses every pending offer: those sends fail
// with send_error and get their values back.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <rivet/base/atomic.hpp>
#include <rivet/base/intrusive_list.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/chan/detail/storage.hpp>
#include <rivet/chan/detail/waitlist.hpp>
#include <rivet/chan/errors.hpp>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/task.hpp>
#include <stdexcept>

namespace rivet::chan::detail {

template <class T>
class rendezvous {
public:
    enum class outcome { pending, taken, refused };

    struct offer : base::list_hook {
        T* value = nullptr;
        waiter w;
        outcome result = outcome::pending;  // under the lock
    };

    /// A rendezvous send always waits for its receiver.
    template <class U>
    push_status try_push(U&) noexcept {
        return closed() ? push_status::closed : push_status::full;
    }

    std::optional<T> try_pop() {
        std::lock_guard lock(lock_);
        offer* o = offers_.pop_front();
        if (o == nullptr) return std::nullopt;
        size_.fetch_sub(1, std::memory_order_relaxed);
        std::optional<T> value(std::move(*o->value));
        settle(*o, outcome::taken);
        return value;
    }

    [[nodiscard]] std::size_t capacity() const noexcept { return 0; }
    /// Sends waiting for a receiver.
    [[nodiscard]] std::size_t size() const noexcept {
        return size_.load(std::memory_order_acquire);
    }
    [[nodiscard]] bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
    [[nodiscard]] bool ended() const noexcept { return closed() && size() == 0; }

    void close() noexcept {
        std::lock_guard lock(lock_);
        closed_.store(true, std::memory_order_release);
        while (offer* o = offers_.pop_front()) {
            size_.fetch_sub(1, std::memory_order_relaxed);
            settle(*o, outcome::refused);
        }
    }

    /// Waits as a task until a receiver takes `value`.
    runtime::task<void> send(T& value, waitlist& receivers) {
        // A cancellation whose wake this task already used (it was queued,
        // not waiting, when it came) would not wake the wait below.
        runtime::this_task::throw_if_cancelled();
        offer o;
        o.value = &value;
        co_await suspend(o, receivers);
        finish(o, false);
    }

    /// Waits as a thread until a receiver takes `value`, or `deadline`.
    void send_blocking(T& value, waitlist& receivers,
                       std::chrono::steady_clock::time_point deadline) {
        offer o;
        o.value = &value;
        link(o, receivers);
        const bool woken = park(o.w, deadline);
        finish(o, !woken);
    }

private:
    /// Publishes `o` and wakes a receiver for it; throws send_error if closed.
    void link(offer& o, waitlist& receivers) {
        {
            std::lock_guard lock(lock_);
            if (closed_.load(std::memory_order_relaxed)) throw send_error<T>(std::move(*o.value));
            offers_.push_back(o);
            size_.fetch_add(1, std::memory_order_release);
        }
        base::light_barrier(receivers.count());
        receivers.notify_one();
    }

    auto suspend(offer& o, waitlist& receivers) {
        struct awaiter {
            rendezvous& r;
            offer& o;
            waitlist& receivers;

            bool await_ready() const noexcept { return false; }
            void await_suspend(std::coroutine_handle<> h) {
                runtime::detail::task_core* t = runtime::detail::current_task();
                if (t == nullptr) throw std::logic_error("rivet: channel awaited outside a task");
                t->resume_point = h;
                o.w.ticket = t->ticket();
                r.link(o, receivers);
            }
            void await_resume() const noexcept {}
        };
        return awaiter{*this, o, receivers};
    }

    /// After the wait: returns if the value was taken, else withdraws the
    /// offer and throws (send_error, timeout_error or cancelled_error).
    void finish(offer& o, bool timed_out) {
        outcome result;
        {
            std::lock_guard lock(lock_);
            result = o.result;
            if (result == outcome::pending) {
                offers_.erase(o);
                size_.fetch_sub(1, std::memory_order_relaxed);
            }
        }
        if (result == outcome::taken) return;
        if (result == outcome::refused) throw send_error<T>(std::move(*o.value));
        if (timed_out) throw runtime::timeout_error();
        throw runtime::cancelled_error();
    }

    void settle(offer& o, outcome result) noexcept {
        o.result = result;
        if (o.w.ticket.task != nullptr) {
            runtime::detail::task_core::wake(o.w.ticket);
        } else {
            unpark(o.w);
        }
    }

    base::spinlock lock_;
    base::intrusive_list<offer> offers_;
    std::atomic<std::size_t> size_{0};
    std::atomic<bool> closed_{false};
};

}  // namespace rivet::chan::detail
