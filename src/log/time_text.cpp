#include "time_text.hpp"

#include <time.h>

#include <cstdio>

namespace rivet::log::detail {

std::int64_t utc_day(std::int64_t time_ns) noexcept {
    std::int64_t s = time_ns / 1'000'000'000;
    if (time_ns < 0 && s * 1'000'000'000 != time_ns) --s;
    return s >= 0 ? s / 86400 : (s - 86399) / 86400;
}

void append_time(std::int64_t time_ns, char separator, std::string& out) {
    std::int64_t s = time_ns / 1'000'000'000;
    std::int64_t us = (time_ns % 1'000'000'000) / 1000;
    if (us < 0) {
        us += 1'000'000;
        --s;
    }
    // gmtime_r costs more than the rest of a line: reuse the last second's text.
    thread_local std::int64_t cached_second = -1;
    thread_local char cached[64];
    if (s != cached_second) {
        time_t t = static_cast<time_t>(s);
        tm parts{};
        gmtime_r(&t, &parts);
        std::snprintf(cached, sizeof cached, "%04d-%02d-%02d%c%02d:%02d:%02d", parts.tm_year + 1900,
                      parts.tm_mon + 1, parts.tm_mday, separator, parts.tm_hour, parts.tm_min,
                      parts.tm_sec);
        cached_second = s;
    }
    out += cached;
    out[out.size() - 9] = separator;  // the cache may hold the other separator
    // Six digits by hand: snprintf here was a tenth of the backend's time.
    char frac[7] = {'.'};
    for (int i = 6; i >= 1; --i, us /= 10) frac[i] = static_cast<char>('0' + us % 10);
    out.append(frac, sizeof frac);
}

}  // namespace rivet::log::detail
