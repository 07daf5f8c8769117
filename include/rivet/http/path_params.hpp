// Path parameters captured by the router: `:id` and `*rest` values.
//
// A fixed array of views, so that matching a route allocates nothing: names
// point into the router's patterns, values into the request's path; both
// are valid while the handler runs.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace rivet::http {

class path_params {
public:
    /// The most parameters one route may have (checked at registration).
    static constexpr std::size_t capacity = 16;

    /// The value captured for `name`, if the route has such a parameter.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < size_; ++i) {
            if (items_[i].first == name) return items_[i].second;
        }
        return std::nullopt;
    }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] const std::pair<std::string_view, std::string_view>& operator[](
        std::size_t i) const noexcept {
        return items_[i];
    }

    // Used by the router while it matches (it backtracks).
    void push(std::string_view name, std::string_view value) noexcept {
        items_[size_++] = {name, value};
    }
    void pop() noexcept { --size_; }
    void clear() noexcept { size_ = 0; }

private:
    std::array<std::pair<std::string_view, std::string_view>, capacity> items_{};
    std::size_t size_ = 0;
};

}  // namespace rivet::http
