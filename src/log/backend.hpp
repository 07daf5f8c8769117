// backend: the thread that formats and writes what logging calls copied.
//
// Protocol, in the order the loop runs:
//  1. Read the flush request counter (before looking at the rings: what was
//     committed before a flush() call is then in the snapshot of step 2).
//  2. Snapshot every ring's published position and merge the records up to
//     it by timestamp; hand each to its logger's sinks (under the sink lock,
//     taken once per round); give the space back record by record.
//  3. When a round found nothing: report drops, serve the flush request
//     (flush sinks, publish the counter, wake the waiters), free the rings of
//     exited threads, flush sinks, then park: set backend_sleeping, force a
//     process-wide barrier (membarrier), look at the rings once more, and
//     sleep on the futex until a producer or flush() wakes it.
//  4. On stop (process exit): steps 2 and 3 until every ring is empty, then end.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <rivet/log/detail/thread_buffer.hpp>
#include <rivet/log/logger.hpp>
#include <thread>
#include <unordered_map>
#include <vector>

#include "render.hpp"

namespace rivet::log::detail {

class backend {
public:
    /// The process's backend, started on first use; never destroyed (records
    /// may be written by other static destructors), stopped at exit.
    static backend& instance();

    /// Adds a new thread's ring (any thread).
    void add(thread_buffer* ring);
    /// Waits until everything committed before the call is written and flushed.
    void flush();
    /// Async-signal-safe: asks for a flush and waits up to `timeout_ms` for it.
    /// False when it timed out (or this is the backend's own thread).
    bool flush_from_signal(int timeout_ms) noexcept;
    /// Drains every ring, flushes, and ends the thread (at exit).
    void stop() noexcept;

    [[nodiscard]] backend_stats stats() const noexcept;
    [[nodiscard]] const backend_config& config() const noexcept { return config_; }
    /// Bytes of the rings made from now on (configure() changes it).
    [[nodiscard]] std::size_t ring_bytes() const noexcept {
        return ring_bytes_.load(std::memory_order_relaxed);
    }
    static void set_config(backend_config c);

private:
    explicit backend(backend_config config);
    void run() noexcept;
    std::size_t drain_round();
    bool rings_have_work() const noexcept;
    void adopt_new_rings();
    void free_closed_rings();
    void report_drops();
    void flush_sinks();
    void park() noexcept;

    backend_config config_;
    std::atomic<std::size_t> ring_bytes_;
    // Rings the backend reads; only its own thread touches the vector.
    std::vector<thread_buffer*> rings_;
    std::mutex incoming_lock_;
    std::vector<thread_buffer*> incoming_;
    std::atomic<std::uint32_t> incoming_count_{0};

    std::atomic<std::uint64_t> flush_requested_{0};
    std::atomic<std::uint64_t> flush_done_{0};
    std::atomic<bool> stopping_{false};
    std::atomic<bool> stopped_{false};

    renderer renderer_;
    std::unordered_map<const logger*, std::uint64_t> drops_reported_;
    std::chrono::steady_clock::time_point last_flush_;
    bool wrote_since_flush_ = false;

    std::atomic<std::uint64_t> written_{0};
    std::atomic<std::uint64_t> high_water_{0};
    std::atomic<std::uint64_t> flushes_{0};
    std::atomic<std::uint64_t> max_flush_ns_{0};
    std::atomic<std::uint64_t> wakeups_{0};
    std::thread::id thread_id_;
    std::thread thread_;
};

}  // namespace rivet::log::detail
