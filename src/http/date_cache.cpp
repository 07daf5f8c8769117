#include "date_cache.hpp"

#include <ctime>

namespace rivet::http::detail {

std::string_view http_date() noexcept {
    // Per thread, so no lock: each worker formats its own once a second.
    thread_local std::time_t cached_second = -1;
    thread_local char text[32];
    std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm parts{};
        gmtime_r(&now, &parts);
        std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
        cached_second = now;
    }
    return {text, 29};
}

}  // namespace rivet::http::detail
