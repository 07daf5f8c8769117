#include <rivet/runtime/detail/task_core.hpp>
#include <rivet/runtime/task_local.hpp>

namespace rivet::runtime::detail {
namespace {

// The context of code that runs outside any task; released at thread exit.
struct thread_bindings {
    local_binding* head = nullptr;
    ~thread_bindings() {
        if (head) head->release();
    }
};
thread_local thread_bindings this_thread;

}  // namespace

local_binding*& current_bindings() noexcept {
    if (task_core* t = current_task()) return t->locals;
    return this_thread.head;
}

}  // namespace rivet::runtime::detail
