#include "date_cache.hpp"

#include <cstring>
#include <ctime>

namespace rivet::http::detail {

std::string_view server_and_date_lines() noexcept {
    static constexpr char server[] = "Server: rivet\r\nDate: ";
    static constexpr std::size_t date_at = sizeof server - 1;
    static constexpr std::size_t date_length = 29;  // "Sun, 06 Nov 1994 08:49:37 GMT"
    // Per thread, so no lock: each worker formats its own once a second.
    thread_local std::time_t cached_second = -1;
    thread_local char text[date_at + date_length + 3];
    std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm parts{};
        gmtime_r(&now, &parts);
        std::memcpy(text, server, date_at);
        std::strftime(text + date_at, date_length + 1, "%a, %d %b %Y %H:%M:%S GMT", &parts);
        text[date_at + date_length] = '\r';  // over strftime's NUL: the result is a view
        text[date_at + date_length + 1] = '\n';
        cached_second = now;
    }
    return {text, date_at + date_length + 2};
}

}  // namespace rivet::http::detail
