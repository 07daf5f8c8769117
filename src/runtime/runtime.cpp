#include <rivet/runtime/runtime.hpp>
#include <stdexcept>

#include "scheduler.hpp"
#include "signal_watcher.hpp"

namespace rivet::runtime {

namespace detail {

void start_spawned_on(scheduler& sched, task_core* t) {
    // Every way of starting a task passes here, on the spawner's thread: the
    // new task inherits the spawner's task_local context.
    if (local_binding* inherited = current_bindings()) {
        inherited->add_ref();
        t->locals = inherited;
    }
    sched.spawn(t);
}

void start_spawned(task_core* t) {
    scheduler* sched = current_scheduler();
    if (sched == nullptr) {
        throw std::logic_error(
            "rivet::runtime::spawn called outside a runtime; use runtime::spawn");
    }
    start_spawned_on(*sched, t);
}

}  // namespace detail

runtime::runtime(runtime_config config) {
    if (config.cancel_on_signals) {
        // The watcher's thread must not read scheduler_ while it is being set.
        signals_ = std::make_unique<detail::signal_watcher>([this] {
            if (detail::scheduler* s = signal_target_.load(std::memory_order_acquire)) {
                s->cancel_all();
            }
        });
    }
    scheduler_ = std::make_unique<detail::scheduler>(std::move(config));
    signal_target_.store(scheduler_.get(), std::memory_order_release);
}

runtime::~runtime() { shutdown(); }

void runtime::shutdown() noexcept {
    scheduler_->shutdown();
    signals_.reset();
}

unsigned runtime::worker_count() const noexcept {
    return static_cast<unsigned>(scheduler_->workers().size());
}

std::uint64_t runtime::live_tasks() const noexcept { return scheduler_->live_tasks(); }

void runtime::ensure_outside_workers() const {
    if (detail::current_scheduler() != nullptr) {
        throw std::logic_error("runtime::block_on called from inside a runtime's worker");
    }
}

void runtime::start_from_outside(detail::task_core* t) noexcept {
    detail::start_spawned_on(*scheduler_, t);
}

}  // namespace rivet::runtime
