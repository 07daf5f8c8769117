#include "backend.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <rivet/base/atomic.hpp>

#include "fatal_signals.hpp"
#include "registry.hpp"

namespace rivet::log::detail {
namespace {

backend_config pending_config;
std::atomic<backend*> the_backend{nullptr};

void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) noexcept {
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected,
              nullptr, nullptr, 0);
}

void futex_wake(std::atomic<std::uint32_t>& word) noexcept {
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr,
              nullptr, 0);
}

// The heavy half of the parking protocol's barrier (thread_buffer.hpp).
void process_barrier() noexcept { base::heavy_barrier(backend_sleeping); }

void stop_at_exit() noexcept {
    if (backend* b = the_backend.load(std::memory_order_acquire)) b->stop();
}

std::uint64_t elapsed_ns(std::chrono::steady_clock::time_point since) {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now() - since)
                                          .count());
}

}  // namespace

void wake_backend() noexcept {
    if (backend_sleeping.exchange(0, std::memory_order_acq_rel) != 0) futex_wake(backend_sleeping);
}

backend& backend::instance() {
    static backend* b = [] {
        auto* created = new backend(pending_config);
        the_backend.store(created, std::memory_order_release);
        std::atexit(stop_at_exit);
        if (created->config_.flush_on_fatal_signals) install_fatal_signal_flush();
        return created;
    }();
    return *b;
}

void backend::set_config(backend_config c) {
    // Only the ring size can change once the backend runs (tests use it).
    if (backend* b = the_backend.load(std::memory_order_acquire)) {
        b->ring_bytes_.store(c.ring_bytes, std::memory_order_relaxed);
    }
    pending_config = c;
}

backend::backend(backend_config config)
    : config_(config),
      ring_bytes_(config.ring_bytes),
      last_flush_(std::chrono::steady_clock::now()) {
    thread_ = std::thread([this] { run(); });
    thread_id_ = thread_.get_id();
}

void backend::add(thread_buffer* ring) {
    {
        std::lock_guard lock(incoming_lock_);
        incoming_.push_back(ring);
    }
    incoming_count_.fetch_add(1, std::memory_order_release);
}

void backend::adopt_new_rings() {
    if (incoming_count_.load(std::memory_order_acquire) == 0) return;
    std::lock_guard lock(incoming_lock_);
    incoming_count_.fetch_sub(static_cast<std::uint32_t>(incoming_.size()),
                              std::memory_order_relaxed);
    rings_.insert(rings_.end(), incoming_.begin(), incoming_.end());
    incoming_.clear();
}

bool backend::rings_have_work() const noexcept {
    for (const thread_buffer* r : rings_) {
        if (r->published() != r->consumed()) return true;
    }
    return incoming_count_.load(std::memory_order_acquire) != 0;
}

std::size_t backend::drain_round() {
    struct cursor {
        thread_buffer* ring;
        std::uint64_t pos, end;
    };
    thread_local std::vector<cursor> cursors;
    cursors.clear();
    for (thread_buffer* r : rings_) {
        std::uint64_t pos = r->consumed(), end = r->published();
        if (pos == end) continue;
        std::uint64_t waiting = end - pos;
        if (waiting > high_water_.load(std::memory_order_relaxed)) {
            high_water_.store(waiting, std::memory_order_relaxed);
        }
        cursors.push_back({r, pos, end});
    }
    if (cursors.empty()) return 0;
    std::size_t n = 0;
    std::lock_guard lock(sink_lock());
    for (;;) {
        // The oldest head among the rings (few rings: a linear scan).
        cursor* oldest = nullptr;
        for (cursor& c : cursors) {
            while (c.pos != c.end && c.ring->at(c.pos)->kind == record_header::kind_wrap) {
                c.pos += c.ring->at(c.pos)->size;
            }
            if (c.pos == c.end) continue;
            if (oldest == nullptr ||
                c.ring->at(c.pos)->ticks < oldest->ring->at(oldest->pos)->ticks) {
                oldest = &c;
            }
        }
        if (oldest == nullptr) break;
        const record_header* h = oldest->ring->at(oldest->pos);
        renderer_.write(*h, reinterpret_cast<const std::byte*>(h + 1), oldest->ring->thread_id());
        oldest->pos += h->size;
        oldest->ring->release_to(oldest->pos);
        ++n;
    }
    for (cursor& c : cursors) c.ring->release_to(c.pos);  // trailing wrap markers
    written_.fetch_add(n, std::memory_order_relaxed);
    wrote_since_flush_ = true;
    return n;
}

void backend::free_closed_rings() {
    std::erase_if(rings_, [](thread_buffer* r) {
        if (!r->closed.load(std::memory_order_acquire) || r->published() != r->consumed()) {
            return false;
        }
        delete r;
        return true;
    });
}

void backend::report_drops() {
    for_each_logger([this](const logger& lg) {
        std::uint64_t now = lg.dropped();
        std::uint64_t& reported = drops_reported_[&lg];
        if (now == reported) return;
        std::string note = fmt::format(
            "rivet::log: {} messages dropped (ring full, or a sink "
            "failed); {} in all",
            now - reported, now);
        reported = now;
        std::lock_guard lock(sink_lock());
        renderer::write_note(lg, level::warn, note);
        wrote_since_flush_ = true;
    });
}

void backend::flush_sinks() {
    std::lock_guard lock(sink_lock());
    for_each_logger([](const logger& lg) {
        for (const auto& s : lg.sinks()) s->flush();
    });
    wrote_since_flush_ = false;
    last_flush_ = std::chrono::steady_clock::now();
}

void backend::park() noexcept {
    backend_sleeping.store(1, std::memory_order_relaxed);
    process_barrier();
    if (rings_have_work() || stopping_.load(std::memory_order_acquire) ||
        flush_requested_.load(std::memory_order_acquire) !=
            flush_done_.load(std::memory_order_relaxed)) {
        backend_sleeping.store(0, std::memory_order_relaxed);
        return;
    }
    futex_wait(backend_sleeping, 1);
    backend_sleeping.store(0, std::memory_order_relaxed);
    wakeups_.fetch_add(1, std::memory_order_relaxed);
}

void backend::run() noexcept {
    for (;;) {
        std::uint64_t flush_target = flush_requested_.load(std::memory_order_acquire);
        bool stop = stopping_.load(std::memory_order_acquire);
        adopt_new_rings();
        std::size_t n = 0;
        try {
            n = drain_round();
        } catch (...) {
            // Only allocation failures reach here; keep serving.
        }
        if (n != 0) {
            if (wrote_since_flush_ &&
                std::chrono::steady_clock::now() - last_flush_ >= config_.flush_interval) {
                flush_sinks();
            }
            continue;
        }
        // Every ring was empty when looked at, after flush_target was read.
        try {
            report_drops();
        } catch (...) {
        }
        if (wrote_since_flush_ || flush_target != flush_done_.load(std::memory_order_relaxed)) {
            flush_sinks();
        }
        if (flush_target != flush_done_.load(std::memory_order_relaxed)) {
            flush_done_.store(flush_target, std::memory_order_release);
            flush_done_.notify_all();
        }
        free_closed_rings();
        if (stop) break;
        park();
    }
    stopped_.store(true, std::memory_order_release);
}

void backend::flush() {
    if (stopped_.load(std::memory_order_acquire) || std::this_thread::get_id() == thread_id_) {
        std::lock_guard lock(sink_lock());
        for_each_logger([](const logger& lg) {
            for (const auto& s : lg.sinks()) s->flush();
        });
        return;
    }
    auto start = std::chrono::steady_clock::now();
    std::uint64_t target = flush_requested_.fetch_add(1, std::memory_order_seq_cst) + 1;
    wake_backend();
    for (;;) {
        std::uint64_t done = flush_done_.load(std::memory_order_acquire);
        if (done >= target || stopped_.load(std::memory_order_acquire)) break;
        flush_done_.wait(done, std::memory_order_acquire);
    }
    std::uint64_t took = elapsed_ns(start);
    flushes_.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t max = max_flush_ns_.load(std::memory_order_relaxed);
    while (took > max && !max_flush_ns_.compare_exchange_weak(max, took)) {
    }
}

bool backend::flush_from_signal(int timeout_ms) noexcept {
    if (stopped_.load(std::memory_order_acquire) || std::this_thread::get_id() == thread_id_) {
        return false;
    }
    std::uint64_t target = flush_requested_.fetch_add(1, std::memory_order_seq_cst) + 1;
    wake_backend();
    timespec pause{0, 1'000'000};
    for (int waited = 0; waited < timeout_ms; ++waited) {
        if (flush_done_.load(std::memory_order_acquire) >= target) return true;
        ::nanosleep(&pause, nullptr);
    }
    return false;
}

void backend::stop() noexcept {
    if (stopping_.exchange(true, std::memory_order_acq_rel)) return;
    // Calls from now on write directly; what is in the rings is drained first.
    backend_stopped.store(true, std::memory_order_release);
    wake_backend();
    if (thread_.joinable()) thread_.join();
}

backend_stats backend::stats() const noexcept {
    backend_stats s;
    s.written = written_.load(std::memory_order_relaxed);
    for_each_logger([&s](const logger& lg) { s.dropped += lg.dropped(); });
    s.ring_high_water = high_water_.load(std::memory_order_relaxed);
    s.flushes = flushes_.load(std::memory_order_relaxed);
    s.max_flush_ns = max_flush_ns_.load(std::memory_order_relaxed);
    s.wakeups = wakeups_.load(std::memory_order_relaxed);
    return s;
}

}  // namespace rivet::log::detail
