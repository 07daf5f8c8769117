// The logger, its registry, and the slow paths of a logging call.
#include <immintrin.h>

#include <map>
#include <memory>
#include <mutex>
#include <rivet/base/atomic.hpp>
#include <rivet/log/logger.hpp>
#include <rivet/runtime/detail/task_core.hpp>
#include <stdexcept>
#include <thread>

#include "backend.hpp"
#include "registry.hpp"
#include "tick_clock.hpp"

namespace rivet::log {
namespace detail {
namespace {

struct registry {
    std::mutex lock;
    std::map<std::string, std::unique_ptr<logger>, std::less<>> loggers;
};

// Taken while static initialisation runs, not in the first logging call:
// the rate ticks convert at is measured from the clock's origin anchor, so
// the earlier it is taken, the sooner the rate is precise. (Registering for
// membarrier, which the backend's wake protocol needs, is paid at start-up
// by base/atomic.hpp.)
[[maybe_unused]] const bool clock_origin_taken = (take_clock_origin(), true);

registry& the_registry() {
    static auto* r = new registry;  // never destroyed: loggers outlive every record
    return *r;
}

}  // namespace

void for_each_logger(const std::function<void(const logger&)>& fn) {
    registry& r = the_registry();
    std::lock_guard lock(r.lock);
    for (const auto& [name, lg] : r.loggers) fn(*lg);
}

runtime::detail::local_binding* capture_context(const char*& task) noexcept {
    runtime::detail::task_core* t = runtime::detail::current_task();
    runtime::detail::local_binding* b;
    if (t != nullptr) {
        task = t->name();
        b = t->locals;
    } else {
        b = runtime::detail::current_bindings();
    }
    if (b) b->add_ref();
    return b;
}

std::byte* on_full(const logger& lg, thread_buffer& buf, std::uint32_t n) noexcept {
    if (lg.policy() == overflow::drop) {
        lg.count_drop();
        return nullptr;
    }
    // Block: the backend is draining (or about to: wake it).
    for (unsigned attempt = 0;; ++attempt) {
        if (backend_stopped.load(std::memory_order_acquire)) {
            lg.count_drop();  // exiting: the backend will not drain this ring again
            return nullptr;
        }
        wake_backend();
        if (std::byte* p = buf.reserve(n)) return p;
        // Yielding would take the CPU from the backend that must make the
        // room (with more producers than cores): sleep after a short spin.
        if (attempt < 32) {
            _mm_pause();
        } else {
            std::this_thread::sleep_for(std::chrono::microseconds(20));
        }
    }
}

void write_now(const record_header& h, const std::byte* args) noexcept {
    thread_local renderer mine;
    std::lock_guard lock(sink_lock());
    mine.write(h, args, current_thread_id());
    // Sync mode promises the line is out when the call returns.
    for (const auto& s : h.from->sinks()) s->flush();
}

thread_buffer& make_thread_buffer() {
    backend& b = backend::instance();
    // Closes the ring when the thread exits; the backend frees it once drained.
    struct closer {
        thread_buffer* ring = nullptr;
        ~closer() {
            if (ring) ring->closed.store(true, std::memory_order_release);
            this_thread_buffer = nullptr;
        }
    };
    thread_local closer owner;
    auto* ring = new thread_buffer(b.ring_bytes(), current_thread_id());
    b.add(ring);
    owner.ring = ring;
    this_thread_buffer = ring;
    return *ring;
}

}  // namespace detail

logger::logger(std::string name, logger_config config)
    : name_(std::move(name)), config_(std::move(config)), level_(config_.min_level) {}

logger& make_logger(std::string name, logger_config config) {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.lock);
    if (r.loggers.contains(name)) {
        throw std::invalid_argument("rivet::log: a logger named '" + name + "' exists");
    }
    auto lg = std::make_unique<logger>(name, std::move(config));
    logger& ref = *lg;
    r.loggers.emplace(std::move(name), std::move(lg));
    return ref;
}

logger* find_logger(std::string_view name) noexcept {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.lock);
    auto it = r.loggers.find(name);
    return it == r.loggers.end() ? nullptr : it->second.get();
}

void flush() { detail::backend::instance().flush(); }

void configure(backend_config config) { detail::backend::set_config(config); }

backend_stats stats() noexcept { return detail::backend::instance().stats(); }

}  // namespace rivet::log
