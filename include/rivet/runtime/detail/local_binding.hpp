// local_binding: one link of a task's chain of task_local values.
//
// A chain is immutable once built: binding a value makes a new head that
// points at the previous one, so a chain can be shared without locks by the
// tasks that inherited it and by readers on other threads (a logger's
// backend). Links are reference counted; each holds a reference to its
// parent, and the last release frees the chain from the head down.
#pragma once

#include <atomic>
#include <cstdint>

namespace rivet::runtime::detail {

/// A bound value's link. Derived types add the value; `key` says which
/// task_local it belongs to (the address of that task_local).
class local_binding {
public:
    /// Takes a new reference to `parent` (which may be null).
    local_binding(const void* key, local_binding* parent) noexcept : key_(key), parent_(parent) {
        if (parent_) parent_->add_ref();
    }
    local_binding(const local_binding&) = delete;
    local_binding& operator=(const local_binding&) = delete;

    void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
    /// Drops a reference; the last one frees this link and releases its parent.
    void release() noexcept {
        // acq_rel: the freeing thread must see every write made before the
        // other references were dropped (the usual shared_ptr argument).
        if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
    }

    [[nodiscard]] const void* key() const noexcept { return key_; }
    [[nodiscard]] const local_binding* parent() const noexcept { return parent_; }

protected:
    virtual ~local_binding() {
        if (parent_) parent_->release();
    }

private:
    const void* key_;
    local_binding* parent_;
    std::atomic<std::uint32_t> refs_{1};
};

/// Where the calling code's chain lives: the running task's field, or a
/// thread-local one outside any task.
local_binding*& current_bindings() noexcept;

}  // namespace rivet::runtime::detail
