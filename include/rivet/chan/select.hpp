// select: wait on several receivers at once; the first that can deliver wins.
//
//   auto r = co_await chan::select(jobs, control);
//   switch (r.index()) {
//       case 0: handle(std::get<0>(r));  // std::optional<job>: empty if `jobs` ended
//       case 1: ...
//   }
//
// The result is a std::variant whose alternative i is what receiver i gave:
// an item, or an empty optional when that channel has ended (closed and
// drained), as recv() would. Only the winning receiver gives up an item; the
// others lose nothing. When several can deliver at once, the one tried first
// changes from call to call, so none is starved.
//
// A timeout is a cancellation: `co_await rt::with_timeout(10ms, chan::select(a, b))`
// throws timeout_error, and a cancelled select takes no item.
//
// select refers to its receivers: await it at once (as above).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <optional>
#include <rivet/base/atomic.hpp>
#include <rivet/chan/receiver.hpp>
#include <rivet/runtime/cancel.hpp>
#include <rivet/runtime/task.hpp>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <variant>

namespace rivet::chan {

template <class... Receivers>
using select_result = std::variant<std::optional<typename Receivers::value_type>...>;

namespace detail {

/// Where select starts trying: rotates per thread so that no receiver of a
/// busy set is always tried last.
inline std::size_t select_start(std::size_t n) noexcept {
    thread_local std::size_t next = 0;
    return next++ % n;
}

template <class... Receivers>
class selector {
public:
    static constexpr std::size_t n = sizeof...(Receivers);
    using result = select_result<Receivers...>;

    explicit selector(Receivers&... rxs) : rxs_(rxs...) {}

    /// Receives from the first receiver that can deliver, trying them from
    /// `start` on; `taken` is its index.
    std::optional<result> try_all(std::size_t start, std::size_t& taken) {
        std::optional<result> out;
        for (std::size_t k = 0; k < n && !out; ++k) {
            const std::size_t i = (start + k) % n;
            try_one(i, out, std::make_index_sequence<n>{});
            if (out) taken = i;
        }
        return out;
    }

    [[nodiscard]] bool any_ready() {
        return std::apply([](auto&... rx) { return (rx.channel()->has_items() || ...); }, rxs_);
    }

    /// After a take from receiver `i` that followed a wait (see
    /// channel::pass_on_items).
    void pass_on(std::size_t i) {
        std::apply(
            [i](auto&... rx) {
                std::size_t k = 0;
                ((k++ == i ? rx.channel()->pass_on_items() : void()), ...);
            },
            rxs_);
    }

    std::array<waitlist*, n> lists() {
        return std::apply(
            [](auto&... rx) { return std::array<waitlist*, n>{&rx.channel()->receivers()...}; },
            rxs_);
    }

private:
    template <std::size_t... I>
    void try_one(std::size_t i, std::optional<result>& out, std::index_sequence<I...>) {
        ((i == I ? try_at<I>(out) : void()), ...);
    }

    template <std::size_t I>
    void try_at(std::optional<result>& out) {
        auto* ch = std::get<I>(rxs_).channel();
        if (auto value = ch->try_recv()) {
            out.emplace(std::in_place_index<I>, std::move(value));
        } else if (ch->ended()) {
            out.emplace(std::in_place_index<I>, std::nullopt);
        }
    }

    std::tuple<Receivers&...> rxs_;
};

/// Links one waiter per list and suspends unless something is ready; on
/// resume unlinks them all and reports which were notified.
template <std::size_t N, class Ready>
auto suspend_on_all(std::array<waitlist*, N> lists, std::array<waiter, N>& ws,
                    std::array<bool, N>& notified, Ready ready) {
    struct awaiter {
        std::array<waitlist*, N> lists;
        std::array<waiter, N>& ws;
        std::array<bool, N>& notified;
        Ready ready;
        bool suspended = false;

        bool await_ready() const noexcept { return false; }
        bool await_suspend(std::coroutine_handle<> h) {
            runtime::detail::task_core* t = runtime::detail::current_task();
            if (t == nullptr) throw std::logic_error("rivet: select awaited outside a task");
            t->resume_point = h;
            std::array<std::atomic<std::uint32_t>*, N> counts{};
            for (std::size_t i = 0; i < N; ++i) {
                ws[i].ticket = t->ticket();
                lists[i]->add(ws[i]);
                counts[i] = &lists[i]->count();
            }
            base::heavy_barrier_all(counts);
            suspended = !ready() && !t->is_cancelled();
            return suspended;
        }
        void await_resume() noexcept {
            bool any = false;
            for (std::size_t i = 0; i < N; ++i) {
                notified[i] = !lists[i]->remove(ws[i]);
                any = any || notified[i];
            }
            if (any && !suspended) drop_early_wake();
        }
    };
    return awaiter{lists, ws, notified, std::move(ready)};
}

}  // namespace detail

/// Suspends until one of `rxs` can deliver, and receives from it (see the
/// header comment). Throws cancelled_error if the task is cancelled first.
template <class... Receivers>
requires(sizeof...(Receivers) >
         0) runtime::task<select_result<Receivers...>> select(Receivers&... rxs) {
    using sel = detail::selector<Receivers...>;
    sel s(rxs...);
    std::size_t taken = 0;
    if (auto r = s.try_all(detail::select_start(sel::n), taken)) {
        if (!detail::keep_running()) co_await detail::requeue{};
        co_return std::move(*r);
    }
    std::array<detail::waiter, sel::n> ws;
    std::array<bool, sel::n> notified{};
    const auto lists = s.lists();
    runtime::this_task::throw_if_cancelled();
    for (;;) {
        co_await detail::suspend_on_all(lists, ws, notified, [&s] { return s.any_ready(); });
        auto r = s.try_all(detail::select_start(sel::n), taken);
        const bool leaving = r || runtime::this_task::is_cancelled();
        // A notification meant for a channel we leave without taking from
        // goes on to its next waiter. (Not when we stay: someone else took
        // the item, and two selects would wake each other for nothing.)
        for (std::size_t i = 0; leaving && i < sel::n; ++i) {
            if (notified[i] && (!r || i != taken)) lists[i]->notify_one();
        }
        if (r) {
            s.pass_on(taken);
            co_return std::move(*r);
        }
        runtime::this_task::throw_if_cancelled();
    }
}

}  // namespace rivet::chan
