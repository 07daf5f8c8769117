#include <rivet/http/handler.hpp>

namespace rivet::http::detail {

// Not a coroutine: it returns the next layer's task itself, so a chain of
// n middleware costs n frames, not 2n.
runtime::task<void> chain::run(std::size_t index) const {
    if (index < outer.size()) return outer[index](*req, *res, next_fn(this, index + 1));
    std::size_t i = index - outer.size();
    if (i < inner.size()) return inner[i](*req, *res, next_fn(this, index + 1));
    return guard != nullptr ? guard(*this) : (*last)(*req, *res);
}

}  // namespace rivet::http::detail
