// Task-local values: data that follows a task, not a thread.
//
// A task_local<T> is a key. bind() attaches a value to the current task for
// as long as the returned scope lives; get() reads the innermost value bound
// in the current context. Spawned tasks (spawn, runtime::spawn, block_on,
// task_group children) start with the context of the code that spawned them,
// so a request id bound in a handler is visible in every task it starts,
// whichever worker runs them. Outside any task the context is the calling
// thread's own, so the same API works on plain threads.
//
//     inline const rivet::runtime::task_local<std::string> request_id;
//
//     task<void> handle(request r) {
//         auto scope = request_id.bind(r.id());
//         co_await rivet::runtime::spawn(audit, r);  // audit sees the same id
//     }
//
// A context is an immutable chain of bindings, reference counted: binding
// never changes what a spawned child or a snapshot (local_context) already
// holds, and readers need no lock. A task's reference is dropped when its
// core is destroyed. Values are not propagated to spawn_blocking threads.
#pragma once

#include <rivet/runtime/detail/local_binding.hpp>
#include <utility>

namespace rivet::runtime {

template <class T>
class task_local;

/// A counted reference to a context: the current task's (or thread's)
/// bindings at the moment it was taken. Lets code running elsewhere, later,
/// read the values (a logger's backend thread does).
class local_context {
public:
    local_context() noexcept = default;
    local_context(const local_context& other) noexcept : head_(other.head_) {
        if (head_) head_->add_ref();
    }
    local_context(local_context&& other) noexcept : head_(std::exchange(other.head_, nullptr)) {}
    local_context& operator=(local_context other) noexcept {
        std::swap(head_, other.head_);
        return *this;
    }
    ~local_context() {
        if (head_) head_->release();
    }

    /// The calling task's (or, outside a task, thread's) context.
    [[nodiscard]] static local_context current() noexcept {
        return local_context(detail::current_bindings(), /*add_ref=*/true);
    }

    /// Takes over one reference to a chain, as current_bindings() holds
    /// one (for code that must store a context as a raw pointer: a logger's ring).
    [[nodiscard]] static local_context adopt(detail::local_binding* head) noexcept {
        return local_context(head, /*add_ref=*/false);
    }

    /// True when nothing is bound.
    [[nodiscard]] bool empty() const noexcept { return head_ == nullptr; }

    /// The innermost value bound to `key` in this context, or null.
    template <class T>
    [[nodiscard]] const T* find(const task_local<T>& key) const noexcept;

private:
    template <class T>
    friend class task_local;
    local_context(detail::local_binding* head, bool add_ref) noexcept : head_(head) {
        if (head_ && add_ref) head_->add_ref();
    }

    detail::local_binding* head_ = nullptr;
};

/// Keeps a binding in place; destroying it restores the context that was
/// current before. Move-only. Must end in the task (or thread) that made it,
/// innermost first, which a scope object on the stack or in the coroutine
/// frame guarantees.
class [[nodiscard]] local_scope {
public:
    local_scope(local_scope&& other) noexcept
        : slot_(std::exchange(other.slot_, nullptr)), previous_(other.previous_) {}
    local_scope(const local_scope&) = delete;
    local_scope& operator=(const local_scope&) = delete;
    local_scope& operator=(local_scope&&) = delete;
    ~local_scope() {
        if (slot_ == nullptr) return;
        // The slot holds the reference our binding took; the binding holds
        // one to `previous_`, so restoring takes a new one first.
        if (previous_) previous_->add_ref();
        std::exchange(*slot_, previous_)->release();
    }

private:
    template <class T>
    friend class task_local;
    local_scope(detail::local_binding** slot, detail::local_binding* previous) noexcept
        : slot_(slot), previous_(previous) {}

    // The task's field (stable while the task lives) or the thread's variable.
    detail::local_binding** slot_;
    detail::local_binding* previous_;
};

/// A key for task-local values of type T. Declare one per purpose with
/// static storage duration (its address is the key).
template <class T>
class task_local {
public:
    constexpr task_local() noexcept = default;
    task_local(const task_local&) = delete;
    task_local& operator=(const task_local&) = delete;

    /// Binds `value` in the current task (or thread) until the returned
    /// scope is destroyed; tasks spawned meanwhile inherit it.
    [[nodiscard]] local_scope bind(T value) const {
        detail::local_binding*& slot = detail::current_bindings();
        detail::local_binding* previous = slot;
        slot = new binding(this, previous, std::move(value));
        if (previous) previous->release();  // the new head holds it now
        return local_scope(&slot, previous);
    }

    /// The innermost value bound in the current context, or null. The
    /// pointer is valid while the binding's scope is alive.
    [[nodiscard]] const T* get() const noexcept { return find_in(detail::current_bindings()); }

private:
    friend class local_context;
    const T* find_in(const detail::local_binding* head) const noexcept {
        for (const detail::local_binding* b = head; b != nullptr; b = b->parent()) {
            if (b->key() == this) return &static_cast<const binding*>(b)->value;
        }
        return nullptr;
    }
    struct binding final : detail::local_binding {
        binding(const void* key, detail::local_binding* parent, T v)
            : local_binding(key, parent), value(std::move(v)) {}
        T value;
    };
};

template <class T>
const T* local_context::find(const task_local<T>& key) const noexcept {
    return key.find_in(head_);
}

}  // namespace rivet::runtime
