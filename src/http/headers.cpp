#include <rivet/http/headers.hpp>

namespace rivet::http {

namespace {
constexpr unsigned char lower(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c | 0x20) : c;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::optional<std::string_view> header_map::get(std::string_view name) const noexcept {
    for (const header& h : items_) {
        if (iequals(h.name, name)) return h.value;
    }
    return std::nullopt;
}

std::size_t header_map::count(std::string_view name) const noexcept {
    std::size_t n = 0;
    for (const header& h : items_) n += iequals(h.name, name) ? 1 : 0;
    return n;
}

}  // namespace rivet::http
