// Handlers and middleware.
//
// A handler is a coroutine that fills in a response:
//
//     router.get("/users/:id", [](request& req, response& res) -> task<void> {
//         res.json().begin_object().field("id", req.param("id")).end_object();
//         co_return;
//     });
//
// The callable is stored by the router and outlives every call, so a
// lambda's captures are safe across suspensions; the request and response
// are valid until the handler's task finishes.
//
// Middleware wraps what follows it in the chain; it calls `next()` to run
// the rest (or does not, to answer itself):
//
//     [](request& req, response& res, next_fn next) -> task<void> {
//         auto start = clock::now();
//         co_await next();
//         res.set_header("Server-Timing", ...);
//     }
#pragma once

#include <cstddef>
#include <functional>
#include <rivet/runtime/task.hpp>
#include <span>

namespace rivet::http {

class request;
class response;
class next_fn;

/// Produces the response to a request.
using handler = std::function<runtime::task<void>(request&, response&)>;
/// Wraps the rest of the chain; calls next() to run it.
using middleware = std::function<runtime::task<void>(request&, response&, next_fn)>;

namespace detail {
/// One request's chain: the server's middleware, then the route's, then the
/// handler (or the 404/405 answer). Lives in the connection's frame.
struct chain {
    std::span<const middleware> outer;
    std::span<const middleware> inner;
    const handler* last = nullptr;
    request* req = nullptr;
    response* res = nullptr;
    /// When set, runs `last` instead of calling it directly: the connection
    /// turns the handler's exceptions into responses there, inside the
    /// middleware, so that they see the error's status.
    runtime::task<void> (*guard)(const chain&) = nullptr;
    void* context = nullptr;  // the guard's

    runtime::task<void> run(std::size_t index) const;
};
}  // namespace detail

/// Runs the rest of the middleware chain when awaited: next().
class next_fn {
public:
    next_fn(const detail::chain* chain, std::size_t index) noexcept
        : chain_(chain), index_(index) {}
    /// Runs the rest of the chain; may be awaited once.
    [[nodiscard]] runtime::task<void> operator()() const { return chain_->run(index_); }

private:
    const detail::chain* chain_;
    std::size_t index_;
};

}  // namespace rivet::http
