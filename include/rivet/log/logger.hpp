// rivet's logger: named loggers, compile-time checked format strings,
// structured fields, and an asynchronous backend.
//
//     auto& lg = rivet::log::make_logger("http", {.sinks = {rivet::log::console_sink()}});
//     RIVET_LOG_INFO(lg, "served {} in {:.1f} ms", path, ms, rivet::log::kv("status", 200));
//
// The model. A call below the compile-time minimum (RIVET_LOG_LEVEL) is
// removed; a call below the logger's run-time level costs one relaxed load
// and does not evaluate its arguments. An accepted call, in asynchronous
// mode, copies the format string's pointer, its arguments and fields, a
// timestamp, the source location and a reference to the current log context
// into its thread's ring (no lock, no formatting, no allocation once the
// ring exists) and returns. The backend thread formats with fmt and writes
// to the logger's sinks, merging the threads' rings by timestamp. In sync
// mode the calling thread formats and writes before returning (tools, tests).
//
// Guarantees. Messages from one thread keep their order. Lines from
// different threads are written in timestamp order among those the backend
// holds at once (a thread preempted between its timestamp and its commit can
// land later). When a ring is full the logger's overflow policy decides:
// `block` waits for space (nothing is lost), `drop` discards the message and
// counts it; the backend then logs a warning with the count, and dropped()
// reads it. flush() returns once everything accepted before it is written.
// At normal exit, and on SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL and
// SIGTERM (when their handler is the default one), everything accepted is
// written before the process ends. docs/log.md has the details and figures.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <rivet/log/detail/call.hpp>
#include <rivet/log/detail/clock.hpp>
#include <rivet/log/detail/thread_buffer.hpp>
#include <rivet/log/field.hpp>
#include <rivet/log/level.hpp>
#include <rivet/log/sink.hpp>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace rivet::log {

/// What a logger does when its thread's ring is full.
enum class overflow : std::uint8_t {
    block,  ///< wait for the backend to make room; nothing is lost
    drop,   ///< discard the message and count it (reported by the backend)
};

/// Who formats and writes.
enum class mode : std::uint8_t {
    async,  ///< the backend thread (the caller only copies)
    sync,   ///< the calling thread, before the call returns
};

/// A logger's settings.
struct logger_config {
    std::vector<std::shared_ptr<sink>> sinks;
    level min_level = level::info;
    overflow policy = overflow::block;
    log::mode mode = mode::async;
};

class logger;

namespace detail {
/// The current task's name (or null) and a new reference to the current log context.
runtime::detail::local_binding* capture_context(const char*& task) noexcept;
/// Handles a full ring per the logger's policy; returns the record's space or null.
std::byte* on_full(const logger& lg, thread_buffer& buf, std::uint32_t n) noexcept;
/// Formats and writes a record on the calling thread (sync mode, oversized
/// records, and after the backend has stopped at exit).
void write_now(const record_header& h, const std::byte* args) noexcept;
/// True once the backend stopped for good (the process is exiting).
inline std::atomic<bool> backend_stopped{false};
}  // namespace detail

/// A named logger. Created by make_logger(), it lives until the process
/// ends (records in flight point at it). Thread-safe.
class logger {
public:
    logger(std::string name, logger_config config);
    logger(const logger&) = delete;
    logger& operator=(const logger&) = delete;

    /// The name given to make_logger().
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// The run-time level: calls below it are skipped.
    [[nodiscard]] log::level level() const noexcept {
        return level_.load(std::memory_order_relaxed);
    }
    /// Changes the run-time level; takes effect for calls that start after it.
    void set_level(log::level l) noexcept { level_.store(l, std::memory_order_relaxed); }
    /// True when a call at `l` would be accepted.
    [[nodiscard]] bool should_log(log::level l) const noexcept {
        return l >= level_.load(std::memory_order_relaxed);
    }
    /// Messages dropped because a ring was full (policy `drop`), or because
    /// a sink could not take them, since the logger was made.
    [[nodiscard]] std::uint64_t dropped() const noexcept {
        return dropped_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] overflow policy() const noexcept { return config_.policy; }
    [[nodiscard]] const std::vector<std::shared_ptr<sink>>& sinks() const noexcept {
        return config_.sinks;
    }

    /// Logs one message; use the RIVET_LOG_* macros, which add the source
    /// location and skip the arguments of filtered calls.
    template <class... Args>
    void write(log::level l, const std::source_location& where,
               detail::checked_format<std::type_identity_t<Args>...> format, const Args&... args) {
        constexpr std::size_t header = sizeof(detail::record_header);
        std::size_t n = (detail::call_size(header, args...) + 7) & ~std::size_t{7};
        detail::thread_buffer* buf = detail::this_thread_buffer;
        bool async =
            config_.mode == mode::async && !detail::backend_stopped.load(std::memory_order_relaxed);
        if (async && buf == nullptr) buf = &detail::make_thread_buffer();
        if (!async || n > buf->max_record()) [[unlikely]] {
            write_unbuffered(l, where, format.text, n, &detail::decode_call<Args...>, args...);
            return;
        }
        std::byte* p = buf->reserve(static_cast<std::uint32_t>(n));
        if (p == nullptr) [[unlikely]] {
            p = detail::on_full(*this, *buf, static_cast<std::uint32_t>(n));
            if (p == nullptr) return;
        }
        auto* h = ::new (p) detail::record_header{static_cast<std::uint32_t>(n),
                                                  detail::record_header::kind_record,
                                                  l,
                                                  detail::ticks(),
                                                  format.text,
                                                  where,
                                                  &detail::decode_call<Args...>,
                                                  this,
                                                  nullptr,
                                                  nullptr};
        h->context = detail::capture_context(h->task);
        detail::encode_call(p + header, args...);
        buf->commit();
    }

    /// Counts a message that could not be delivered.
    void count_drop() const noexcept { dropped_.fetch_add(1, std::memory_order_relaxed); }

private:
    template <class... Args>
    void write_unbuffered(log::level l, const std::source_location& where, std::string_view format,
                          std::size_t n, detail::decode_fn decode, const Args&... args) const {
        // Built exactly like a ring record, in 8-aligned scratch memory.
        std::unique_ptr<std::uint64_t[]> scratch(new std::uint64_t[(n + 7) / 8]);
        auto* p = reinterpret_cast<std::byte*>(scratch.get());
        auto* h = ::new (p) detail::record_header{static_cast<std::uint32_t>(n),
                                                  detail::record_header::kind_record,
                                                  l,
                                                  detail::ticks(),
                                                  format,
                                                  where,
                                                  decode,
                                                  this,
                                                  nullptr,
                                                  nullptr};
        h->context = detail::capture_context(h->task);
        detail::encode_call(p + sizeof(detail::record_header), args...);
        detail::write_now(*h, p + sizeof(detail::record_header));
    }

    std::string name_;
    logger_config config_;
    std::atomic<log::level> level_;
    mutable std::atomic<std::uint64_t> dropped_{0};
};

/// Creates the logger `name`. Throws std::invalid_argument when a logger of
/// that name exists. The reference stays valid until the process ends.
logger& make_logger(std::string name, logger_config config);

/// The logger named `name`, or null.
[[nodiscard]] logger* find_logger(std::string_view name) noexcept;

/// Blocks until every message accepted (by any thread) before the call has
/// been written and every sink flushed.
void flush();

/// The backend's settings; apply them with configure() before the first
/// asynchronous call (later calls change nothing for rings already made).
struct backend_config {
    /// Bytes of each thread's ring (a power of two, at least 4096). A record
    /// larger than half of it is written by the calling thread.
    std::size_t ring_bytes = 1 << 20;
    /// Flush sinks at least this often while messages keep coming.
    std::chrono::milliseconds flush_interval{200};
    /// Install the fatal-signal flush (only where the handler is the default).
    bool flush_on_fatal_signals = true;
};

/// Replaces the backend's settings (see backend_config).
void configure(backend_config config);

/// What the backend has done so far.
struct backend_stats {
    std::uint64_t written = 0;          ///< records formatted and handed to sinks
    std::uint64_t dropped = 0;          ///< messages dropped (every logger)
    std::uint64_t ring_high_water = 0;  ///< most bytes seen waiting in one ring
    std::uint64_t flushes = 0;          ///< flush() calls served
    std::uint64_t max_flush_ns = 0;     ///< the longest flush() wait
    std::uint64_t wakeups = 0;          ///< times the backend woke from sleep
};

/// A snapshot of the backend's counters.
[[nodiscard]] backend_stats stats() noexcept;

}  // namespace rivet::log

/// Logs at `lvl` (a rivet::log::level constant) through `lg` (a
/// rivet::log::logger&): RIVET_LOG(level::info, lg, "x = {}", x, kv("k", v)).
/// The arguments are evaluated only when the call is accepted.
#define RIVET_LOG(lvl, lg, format, ...)                                 \
    do {                                                                \
        ::rivet::log::logger& rivet_log_lg_ = (lg);                     \
        if (rivet_log_lg_.should_log(lvl)) {                            \
            rivet_log_lg_.write(lvl, ::std::source_location::current(), \
                                format __VA_OPT__(, ) __VA_ARGS__);     \
        }                                                               \
    } while (0)

// One macro a level; below RIVET_LOG_LEVEL a call compiles (it is still
// checked) but is discarded.
#define RIVET_LOG_AT_(n, lvl, lg, ...)                            \
    do {                                                          \
        if constexpr ((n) >= RIVET_LOG_LEVEL) {                   \
            RIVET_LOG(::rivet::log::level::lvl, lg, __VA_ARGS__); \
        }                                                         \
    } while (0)

/// Logs at trace level; see RIVET_LOG.
#define RIVET_LOG_TRACE(lg, ...) RIVET_LOG_AT_(RIVET_LOG_LEVEL_TRACE, trace, lg, __VA_ARGS__)
/// Logs at debug level; see RIVET_LOG.
#define RIVET_LOG_DEBUG(lg, ...) RIVET_LOG_AT_(RIVET_LOG_LEVEL_DEBUG, debug, lg, __VA_ARGS__)
/// Logs at info level; see RIVET_LOG.
#define RIVET_LOG_INFO(lg, ...) RIVET_LOG_AT_(RIVET_LOG_LEVEL_INFO, info, lg, __VA_ARGS__)
/// Logs at warn level; see RIVET_LOG.
#define RIVET_LOG_WARN(lg, ...) RIVET_LOG_AT_(RIVET_LOG_LEVEL_WARN, warn, lg, __VA_ARGS__)
/// Logs at error level; see RIVET_LOG.
#define RIVET_LOG_ERROR(lg, ...) RIVET_LOG_AT_(RIVET_LOG_LEVEL_ERROR, error, lg, __VA_ARGS__)
/// Logs at critical level; see RIVET_LOG.
#define RIVET_LOG_CRITICAL(lg, ...) \
    RIVET_LOG_AT_(RIVET_LOG_LEVEL_CRITICAL, critical, lg, __VA_ARGS__)
