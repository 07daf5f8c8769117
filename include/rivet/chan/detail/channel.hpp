// channel: the state a channel's senders and receivers share, and the
// operations on it (try, wait as a task, wait as a thread).
//
// The queue is a ring for a bounded channel (spsc_ring for spsc, mpmc_ring
// for the other shapes), a segment_queue for an unbounded one, and a
// rendezvous for an mpmc channel of capacity 0; the handles do not see which. Two waitlists hold
// the receivers waiting for an item and the senders waiting for room (see waitlist.hpp for the
// protocol).
//
// Lifetime: `ends_` counts the handles, senders in its high half. The last
// sender closes the channel, the last receiver too (nobody would receive),
// each before dropping its count (a compare-and-swap decides which handle is
// the last of its kind); the last handle deletes the channel.
#pragma once

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <memory>
#include <optional>
#include <rivet/base/atomic.hpp>
#include <rivet/base/spinlock.hpp>
#include <rivet/chan/detail/mpmc_ring.hpp>
#include <rivet/chan/detail/rendezvous.hpp>
#include <rivet/chan/detail/segment_queue.hpp>
#include <rivet/chan/detail/spsc_ring.hpp>
#include <rivet/chan/detail/waitlist.hpp>
#include <rivet/chan/errors.hpp>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/task.hpp>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace rivet::chan {

/// Who may use which end: one or many senders, one or many receivers.
enum class shape { spsc, mpsc, spmc, mpmc };

namespace detail {

using clock = std::chrono::steady_clock;

/// Whether a task whose channel operation completed at once may go on
/// running. Each such operation spends one unit of the task's budget (see
/// runtime::detail::budget): a task that always finds its channel ready
/// yields now and then, so it cannot hold its worker, and a loop of
/// operations completing at once cannot grow the stack in builds where GCC
/// does not turn symmetric transfer into a tail call.
inline bool keep_running() noexcept {
    return runtime::detail::spend_budget() || runtime::detail::current_task() == nullptr;
}

/// Requeues the running task at `h` (it ran out of budget).
inline void yield_to_queue(std::coroutine_handle<> h) noexcept {
    runtime::detail::task_core* t = runtime::detail::current_task();
    t->resume_point = h;
    t->wake_current();
}

/// Awaited when keep_running() said no: requeues the task. Unlike
/// this_task::yield it never throws, so an item already taken is not lost.
struct requeue {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) const noexcept { yield_to_queue(h); }
    void await_resume() const noexcept {}
};

/// Awaited by a task that found its channel empty (full), before it waits:
/// requeues it behind the other runnable tasks of its worker. When its
/// partner runs on the same worker, the partner fills (drains) the ring
/// meanwhile, and the task goes on without registering as a waiter: no
/// membarrier system call (the waiter's side of the handshake, see
/// waitlist.hpp), no lock, no wake. When nothing else is runnable it costs
/// one trip through the run queue.
struct give_way {
    bool await_ready() const noexcept { return runtime::detail::current_task() == nullptr; }
    void await_suspend(std::coroutine_handle<> h) const noexcept { yield_to_queue(h); }
    void await_resume() const noexcept {}
};

/// How many times a task gives way before it waits. The first round is for
/// a partner on the same worker; the others catch a partner running on
/// another worker (or thread) a few hundred nanoseconds away, with other
/// tasks of this worker running in between. About a microsecond in all
/// when the worker has nothing else to run, as much as the membarrier
/// system call the wait would make (0.7 µs alone, 1.8 µs with a second
/// thread running, measured on the 2-core test machine), and it spares the
/// interrupt that call sends the other core and the wake.
inline constexpr int give_way_rounds = 16;

/// Now plus `timeout`, saturating (the maximum means no deadline).
inline clock::time_point deadline_after(std::chrono::nanoseconds timeout) noexcept {
    // No clock read without a timeout: it was a fifth of a blocking send's cost.
    if (timeout == std::chrono::nanoseconds::max()) return clock::time_point::max();
    const auto now = clock::now();
    return timeout >= clock::time_point::max() - now ? clock::time_point::max() : now + timeout;
}

/// How long a thread tries again before it parks, in CPU pauses (about 30 ns
/// each on the 2-core test machine: 6 µs): long enough to catch a partner
/// that is a few hundred nanoseconds away, short enough not to burn a core.
inline constexpr int blocking_pauses = 200;

template <class T, shape S>
class channel {
    static_assert(std::is_nothrow_move_constructible_v<T>,
                  "a channel's items must be nothrow move-constructible");
    using ring = std::conditional_t<S == shape::spsc, spsc_ring<T>, mpmc_ring<T>>;

public:
    static constexpr std::uint64_t one_receiver = 1;
    static constexpr std::uint64_t one_sender = std::uint64_t{1} << 32;

    /// A bounded channel of `capacity` (0: a rendezvous, mpmc only), or an
    /// unbounded one (`capacity` unused).
    channel(std::size_t capacity, bool unbounded)
        : ring_(unbounded || capacity == 0 ? 1 : capacity),
          segments_(unbounded ? std::make_unique<segment_queue<T>>() : nullptr) {
        if constexpr (S == shape::mpmc) {
            if (!unbounded && capacity == 0) rendezvous_ = std::make_unique<rendezvous<T>>();
        }
    }
    channel(const channel&) = delete;
    channel& operator=(const channel&) = delete;

    // Handles.

    void add_sender() noexcept { ends_.fetch_add(one_sender, std::memory_order_relaxed); }
    void add_receiver() noexcept { ends_.fetch_add(one_receiver, std::memory_order_relaxed); }
    void drop_sender() noexcept {
        if (!drop_unless_last_of_kind(one_sender, 32)) return;
        close(closer::sender);
        release(one_sender);
    }
    void drop_receiver() noexcept {
        if (!drop_unless_last_of_kind(one_receiver, 0)) return;
        close(closer::last_receiver_gone);  // what is in it goes with the channel
        release(one_receiver);
    }

    // State.

    [[nodiscard]] std::size_t capacity() const noexcept {
        return with_queue([](auto& q) { return q.capacity(); });
    }
    [[nodiscard]] std::size_t size() const noexcept {
        return with_queue([](auto& q) { return q.size(); });
    }
    [[nodiscard]] bool closed() const noexcept {
        return with_queue([](auto& q) { return q.closed(); });
    }
    /// Closed and drained: receivers have seen everything.
    [[nodiscard]] bool ended() const noexcept {
        return with_queue([](auto& q) { return q.ended(); });
    }

    /// Closes the channel and wakes every waiting party.
    void close(closer by) noexcept {
        if constexpr (S == shape::spsc) {
            if (uses_ring()) {
                ring_.close(by);
            } else {
                segments_->close();
            }
        } else {
            with_queue([](auto& q) { q.close(); });
        }
        base::light_barrier(receivers_.count());
        receivers_.notify_all();
        base::light_barrier(senders_.count());
        senders_.notify_all();
    }

    // Never waiting.

    template <class U>
    [[gnu::always_inline]] push_status try_send(U& value) {
        const push_status st =
            uses_ring() ? ring_.try_push(value)
                        : with_unringed_queue([&value](auto& q) { return q.try_push(value); });
        if (st == push_status::ok) {
            base::light_barrier(receivers_.count());
            receivers_.notify_one();
        }
        return st;
    }

    /// Moves an item into `out` (empty) if there is one now.
    [[gnu::always_inline]] bool try_recv(std::optional<T>& out) {
        if (uses_ring()) [[likely]] {
            if (!ring_.try_pop(out)) return false;
            base::light_barrier(senders_.count());  // room for a waiting sender
            senders_.notify_one();
            return true;
        }
        out = with_unringed_queue([](auto& q) { return q.try_pop(); });
        return out.has_value();
    }
    std::optional<T> try_recv() {
        std::optional<T> value;
        try_recv(value);
        return value;
    }

    // Waiting as a task: the slow paths of sender::send and receiver::recv,
    // entered after a try failed. Each first gives way (see give_way) and
    // tries again, up to give_way_rounds times, and only then registers as a
    // waiter; a close, the end or a cancellation seen meanwhile ends it as it
    // would end a wait.

    runtime::task<void> send_slow(T& value) {
        if (rendezvous<T>* r = rendezvous_queue()) {
            co_await r->send(value, receivers_);
            co_return;
        }
        for (int round = 0; round < give_way_rounds; ++round) {
            co_await give_way{};
            switch (try_send(value)) {
                case push_status::ok:
                    co_return;
                case push_status::closed:
                    throw send_error<T>(std::move(value));
                case push_status::full:
                    runtime::this_task::throw_if_cancelled();
            }
        }
        waiter w;
        for (;;) {
            const bool notified = co_await suspend(senders_, w, [this] { return has_room(); });
            switch (try_send(value)) {
                case push_status::ok:
                    pass_on_room();
                    co_return;
                case push_status::closed:
                    if (notified) senders_.notify_one();
                    throw send_error<T>(std::move(value));
                case push_status::full:
                    if (runtime::this_task::is_cancelled()) {
                        if (notified) senders_.notify_one();
                        throw runtime::cancelled_error();
                    }
            }
        }
    }

    runtime::task<std::optional<T>> recv_slow() {
        for (int round = 0; round < give_way_rounds; ++round) {
            co_await give_way{};
            if (std::optional<T> value = try_recv()) co_return value;
            if (ended()) co_return std::nullopt;
            runtime::this_task::throw_if_cancelled();
        }
        waiter w;
        for (;;) {
            const bool notified = co_await suspend(receivers_, w, [this] { return has_items(); });
            if (std::optional<T> value = try_recv()) {
                pass_on_items();
                co_return value;
            }
            if (ended()) co_return std::nullopt;
            if (runtime::this_task::is_cancelled()) {
                if (notified) receivers_.notify_one();
                throw runtime::cancelled_error();
            }
        }
    }

    // Waiting as a thread: one try, and only when it fails the loop that
    // pauses and tries again, then parks. With the loop's set-up on every
    // item, a thread-to-thread spsc channel took 67-85 ns an item; 9-15
    // without (docs/chan.md has the peers). Only an spsc channel
    // tries inline: where several threads share a ring (mpmc), faster
    // retries made every thread slower (2+2 threads, medians: 31.7 ns an
    // item became 34.8 with the first try inline, and 20-28 became 36-52
    // with the loop's), so theirs are calls (spin_send, spin_recv).
    static constexpr bool tries_inline = S == shape::spsc;

    // Pauses between two tries of a waiting thread. With one, the two ends
    // met on the ring's lines nearly item by item; waiting longer lets the
    // other end move a batch meanwhile. Alternating runs, ns an item: spsc
    // thread to thread 13.8 -> 7.2 with two, its round trip within the
    // noise (three would cost it about 30 ns). mpmc 2+2 / 4+4 threads: one
    // 31.9 / 33.7, three 22.4 / 25.7, six 19.5 / 20.1, ten 18.0 / 21.4, and
    // six parks less than three. A waiting thread may see an item up to six
    // pauses (about 180 ns here) late, yet a round trip over two mpmc
    // channels got faster (305.1 -> 264.7 ns, chan_bench_rivet mpmc_rtt):
    // fewer tries leave the sender's lines alone. docs/chan.md has how.
    static constexpr int pauses_per_try = S == shape::spsc ? 2 : 6;
    static void pause_between_tries() noexcept {
        for (int i = 0; i < pauses_per_try; ++i) base::cpu_relax();
    }

    /// Throws send_error when closed, runtime::timeout_error at `deadline`.
    [[gnu::always_inline]] void send_blocking(T& value, clock::time_point deadline) {
        const push_status st = tries_inline ? try_send(value) : spin_send(value);
        if (st != push_status::ok) [[unlikely]]
            send_waiting(value, deadline);
    }

    /// Empty at the end of the stream; throws runtime::timeout_error at `deadline`.
    [[gnu::always_inline]] std::optional<T> recv_blocking(clock::time_point deadline) {
        if constexpr (tries_inline) {
            std::optional<T> value;
            if (try_recv(value)) [[likely]]
                return move_out(value);
        } else if (std::optional<T> value = spin_recv()) {
            return value;
        }
        return recv_waiting(deadline);
    }

    /// What select needs: where receivers wait, and whether a receive
    /// would complete now (an item, or the end).
    waitlist& receivers() noexcept { return receivers_; }
    /// Where senders wait for room (select does not need it; tests look).
    waitlist& senders() noexcept { return senders_; }
    [[nodiscard]] bool has_items() const noexcept {
        if constexpr (S != shape::spsc) {
            // Claimed positions are not items yet (mpmc_ring::readable).
            if (uses_ring()) return ring_.readable() || ring_.ended();
        }
        return size() != 0 || ended();
    }

    /// Called by a receiver that took an item after it waited. A waiter
    /// woken for an item behind a position claimed and not yet written finds
    /// nothing readable and waits again: that wake is spent, and the late
    /// write wakes only one. So whoever takes after a wait wakes one more
    /// while items are readable (a wake goes down the line of waiters as
    /// the items do). The same for senders and room.
    void pass_on_items() noexcept {
        if constexpr (S != shape::spsc) {
            if (!uses_ring()) return;
            base::light_barrier(receivers_.count());  // our take, then a look for waiters
            if (ring_.readable()) receivers_.notify_one();
        }
    }
    void pass_on_room() noexcept {
        if constexpr (S != shape::spsc) {
            if (!uses_ring()) return;
            base::light_barrier(senders_.count());
            if (ring_.writable()) senders_.notify_one();
        }
    }

private:
    struct no_rendezvous {};

    /// The loops after a failed first try: pauses before each try (the try
    /// just failed), and after blocking_pauses of them a park instead.
    [[gnu::noinline]] void send_waiting(T& value, clock::time_point deadline) {
        if (rendezvous<T>* r = rendezvous_queue())
            return r->send_blocking(value, receivers_, deadline);
        waiter w;
        for (int paused = 0;; paused += pauses_per_try) {
            const bool timed_out =
                paused < blocking_pauses
                    ? (pause_between_tries(), false)
                    : !park_thread(senders_, w, deadline, [this] { return has_room(); });
            switch (spin_send(value)) {
                case push_status::ok:
                    if (paused >= blocking_pauses) pass_on_room();
                    return;
                case push_status::closed:
                    throw send_error<T>(std::move(value));
                case push_status::full:
                    if (timed_out) throw runtime::timeout_error();
            }
        }
    }

    [[gnu::noinline]] std::optional<T> recv_waiting(clock::time_point deadline) {
        waiter w;
        for (int paused = 0;; paused += pauses_per_try) {
            const bool timed_out =
                paused < blocking_pauses
                    ? (pause_between_tries(), false)
                    : !park_thread(receivers_, w, deadline, [this] { return has_items(); });
            if (std::optional<T> value = spin_recv()) {
                if (paused >= blocking_pauses) pass_on_items();
                return value;
            }
            if (ended()) return std::nullopt;
            if (timed_out) throw runtime::timeout_error();
        }
    }

    [[gnu::noinline]] push_status spin_send(T& value) { return try_send(value); }
    [[gnu::noinline]] std::optional<T> spin_recv() { return try_recv(); }

    [[nodiscard]] bool uses_ring() const noexcept {
        return segments_ == nullptr && rendezvous_queue() == nullptr;
    }
    [[nodiscard]] rendezvous<T>* rendezvous_queue() const noexcept {
        if constexpr (S == shape::mpmc) {
            return rendezvous_.get();
        } else {
            return nullptr;
        }
    }
    /// Calls `f` with the queue in use. The ring is tested first and the
    /// other queues are called out of line, so that a bounded channel's
    /// operations inline to the ring's code without the registers the
    /// others would need.
    template <class F>
    decltype(auto) with_queue(F&& f) {
        if (uses_ring()) [[likely]]
            return f(ring_);
        return with_unringed_queue(f);
    }
    template <class F>
    decltype(auto) with_queue(F&& f) const {
        if (uses_ring()) [[likely]]
            return f(ring_);
        return with_unringed_queue(f);
    }
    template <class F>
    [[gnu::noinline]] decltype(auto) with_unringed_queue(F&& f) {
        if constexpr (S == shape::mpmc) {
            if (segments_ == nullptr) return f(*rendezvous_);
        }
        return f(*segments_);
    }
    template <class F>
    [[gnu::noinline]] decltype(auto) with_unringed_queue(F&& f) const {
        if constexpr (S == shape::mpmc) {
            if (segments_ == nullptr) return f(std::as_const(*rendezvous_));
        }
        return f(std::as_const(*segments_));
    }

    [[nodiscard]] bool has_room() const noexcept {
        if constexpr (S != shape::spsc) {
            if (uses_ring()) return ring_.writable() || ring_.closed();
        }
        return size() < capacity() || closed();
    }

    // Drops a handle's count, unless it is the last of its kind (true): that
    // one keeps its count, so the channel outlives the close it then makes,
    // and calls release() after it. The exchange decides which is the last
    // (two handles dropped at once used to both read a count of 2, and
    // neither closed); no handle of its kind is left to copy, so the count
    // cannot rise again.
    bool drop_unless_last_of_kind(std::uint64_t one, unsigned shift) noexcept {
        std::uint64_t ends = ends_.load(std::memory_order_acquire);
        while (((ends >> shift) & 0xffff'ffff) > 1) {
            if (ends_.compare_exchange_weak(ends, ends - one, std::memory_order_acq_rel,
                                            std::memory_order_acquire)) {
                return false;  // another handle of this kind holds the channel
            }
        }
        return true;
    }
    void release(std::uint64_t one) noexcept {
        if (ends_.fetch_sub(one, std::memory_order_acq_rel) == one) delete this;
    }

    /// Suspends the running task on `list` unless `ready()` holds once it is
    /// linked. Resumes with true when a notification woke it (rather than a
    /// cancellation or `ready()`), after unlinking it.
    template <class Ready>
    auto suspend(waitlist& list, waiter& w, Ready ready) {
        struct awaiter {
            waitlist& list;
            waiter& w;
            Ready ready;
            bool suspended = false;

            bool await_ready() const noexcept { return false; }
            bool await_suspend(std::coroutine_handle<> h) {
                runtime::detail::task_core* t = runtime::detail::current_task();
                if (t == nullptr) throw std::logic_error("rivet: channel awaited outside a task");
                t->resume_point = h;
                w.ticket = t->ticket();
                list.add(w);
                base::heavy_barrier(list.count());
                suspended = !ready() && !t->is_cancelled();
                return suspended;
            }
            bool await_resume() noexcept {
                const bool notified = !list.remove(w);
                if (notified && !suspended) drop_early_wake();
                return notified;
            }
        };
        return awaiter{list, w, std::move(ready)};
    }

    /// Parks the calling thread on `list` unless `ready()` holds once it is
    /// linked. Returns false when `deadline` passed with no notification.
    template <class Ready>
    bool park_thread(waitlist& list, waiter& w, clock::time_point deadline, Ready ready) {
        w.signal.store(0, std::memory_order_relaxed);
        list.add(w);
        base::heavy_barrier(list.count());
        bool woken = ready() || park(w, deadline);
        if (!list.remove(w)) woken = true;  // notified
        return woken;
    }

    ring ring_;
    // The cold part: one cache line after the ring's.
    alignas(cache_line) waitlist receivers_;  // waiting for an item
    waitlist senders_;                        // waiting for room (bounded only)
    std::unique_ptr<segment_queue<T>> segments_;
    std::atomic<std::uint64_t> ends_{0};
    // Only an mpmc channel can be a rendezvous; the others spend no byte on it.
    [[no_unique_address]] std::conditional_t<S == shape::mpmc, std::unique_ptr<rendezvous<T>>,
                                             no_rendezvous>
        rendezvous_;
};

}  // namespace detail
}  // namespace rivet::chan
