#include <algorithm>
#include <rivet/log/field.hpp>

namespace rivet::log {

namespace detail {
const runtime::task_local<std::shared_ptr<const context_fields>> context_key;
}  // namespace detail

runtime::local_scope with_context(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    // Merged at bind time, so a record needs only the innermost binding.
    auto merged = std::make_shared<context_fields>();
    if (const auto* outer = detail::context_key.get(); outer && *outer) *merged = **outer;
    for (const auto& [k, v] : fields) {
        auto same = std::find_if(merged->begin(), merged->end(),
                                 [k = k](const auto& kv) { return kv.first == k; });
        if (same != merged->end()) {
            same->second = v;
        } else {
            merged->emplace_back(k, v);
        }
    }
    return detail::context_key.bind(std::move(merged));
}

context_fields current_context() {
    const auto* f = detail::context_key.get();
    return f && *f ? **f : context_fields{};
}

}  // namespace rivet::log
