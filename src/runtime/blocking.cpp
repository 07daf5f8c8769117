#include <rivet/runtime/blocking.hpp>
#include <stdexcept>

#include "scheduler.hpp"

namespace rivet::runtime::detail {

void submit_blocking(std::function<void()> job) {
    scheduler* s = current_scheduler();
    if (s == nullptr) throw std::logic_error("rivet::spawn_blocking called outside a runtime");
    s->blocking().submit(std::move(job));
}

}  // namespace rivet::runtime::detail
