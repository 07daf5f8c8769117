// Structured fields: key-value pairs attached to one message, or to every
// message logged in a context.
//
//     RIVET_LOG_INFO(lg, "order {} paid", id, rivet::log::kv("amount", 12.5));
//     auto scope = rivet::log::with_context({{"request_id", rid}});
//
// A field passed to a logging call is copied like the format arguments and
// formatted on the backend with "{}". Context fields are bound to the
// current task (rivet::runtime::task_local) or, outside a task, to the
// current thread; tasks spawned inside the scope inherit them, whichever
// worker runs them. Sinks print context fields first, then the call's own.
#pragma once

#include <initializer_list>
#include <memory>
#include <rivet/runtime/task_local.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rivet::log {

/// One key-value pair of a logging call; made by kv(). Holds a reference to
/// the value: use it only as an argument of the call.
template <class T>
struct field {
    std::string_view key;
    const T& value;
};

/// A structured field for a logging call: the key and the value are copied
/// when the call is accepted; the value is formatted with fmt's "{}".
template <class T>
[[nodiscard]] constexpr field<T> kv(std::string_view key, const T& value) noexcept {
    return {key, value};
}

/// The context's fields: immutable once bound, shared by every message and
/// task that sees them.
using context_fields = std::vector<std::pair<std::string, std::string>>;

namespace detail {
/// The task_local that holds the context's fields (merged: outer then inner).
extern const runtime::task_local<std::shared_ptr<const context_fields>> context_key;
}  // namespace detail

/// Adds `fields` to the current task's (or thread's) log context until the
/// returned scope ends; a key already in the context is overridden.
[[nodiscard]] runtime::local_scope with_context(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

/// The fields of the current context (empty when none are bound).
[[nodiscard]] context_fields current_context();

}  // namespace rivet::log
