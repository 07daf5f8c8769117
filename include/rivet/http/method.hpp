// HTTP request methods as a small enum, so that routing can index a table by
// method instead of comparing strings. Methods outside the common set parse
// as `method::other`; the original text is still on the request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rivet::http {

/// The request methods rivet routes on; anything else is `other`.
enum class method : std::uint8_t { get, head, post, put, delete_, patch, options, other };

/// The number of values of `method` (the size of per-method tables).
inline constexpr std::size_t method_count = 8;

/// The method's name as on the wire ("GET", "DELETE"...); "OTHER" for `other`.
[[nodiscard]] constexpr std::string_view to_string(method m) noexcept {
    constexpr std::string_view names[method_count] = {"GET",    "HEAD",  "POST",    "PUT",
                                                      "DELETE", "PATCH", "OPTIONS", "OTHER"};
    return names[static_cast<std::size_t>(m)];
}

/// The method named `name` (case-sensitive, as RFC 9110 says); `other` when
/// it is not one rivet routes on.
[[nodiscard]] constexpr method method_from_string(std::string_view name) noexcept {
    for (std::size_t i = 0; i + 1 < method_count; ++i) {
        if (to_string(static_cast<method>(i)) == name) return static_cast<method>(i);
    }
    return method::other;
}

}  // namespace rivet::http
