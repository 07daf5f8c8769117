#include "time_text.hpp"

#include <array>
#include <cstdio>
#include <cstring>

namespace rivet::log::detail {
namespace {

constexpr std::size_t second_text_size = 19;  // "2025-01-31 12:34:56"

constexpr auto two_digits = [] {
    std::array<std::array<char, 2>, 100> digits{};
    for (int i = 0; i < 100; ++i) {
        digits[i] = {static_cast<char>('0' + i / 10), static_cast<char>('0' + i % 10)};
    }
    return digits;
}();

// The text of the last second written, for one separator.
struct second_text {
    std::int64_t second = -1;
    char text[64];  // room for any year snprintf could print; 19 bytes used
};

// The proleptic Gregorian date of a day number (days since 1970-01-01),
// after Howard Hinnant's days_from_civil inverse: arithmetic only, where
// gmtime_r reads /etc/localtime on first use (a file read in the backend's
// first line) and takes glibc's time zone lock.
struct civil_date {
    std::int64_t year;
    unsigned month, day;
};
civil_date civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

// The date and time of day are formatted once a second.
const char* text_of_second(std::int64_t s, char separator) noexcept {
    thread_local second_text cache[2];  // ' ' and 'T'
    second_text& c = cache[separator == 'T' ? 1 : 0];
    if (c.second != s) {
        std::int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
        auto of_day = static_cast<unsigned>(s - days * 86400);
        civil_date date = civil_from_days(days);
        std::snprintf(c.text, sizeof c.text, "%04lld-%02u-%02u%c%02u:%02u:%02u",
                      static_cast<long long>(date.year), date.month, date.day, separator,
                      of_day / 3600, of_day / 60 % 60, of_day % 60);
        c.second = s;
    }
    return c.text;
}

}  // namespace

std::int64_t utc_day(std::int64_t time_ns) noexcept {
    std::int64_t s = time_ns / 1'000'000'000;
    if (time_ns < 0 && s * 1'000'000'000 != time_ns) --s;
    return s >= 0 ? s / 86400 : (s - 86399) / 86400;
}

char* write_time(std::int64_t time_ns, char separator, char* out) noexcept {
    std::int64_t s = time_ns / 1'000'000'000;
    std::int64_t us = (time_ns % 1'000'000'000) / 1000;
    if (us < 0) {
        us += 1'000'000;
        --s;
    }
    std::memcpy(out, text_of_second(s, separator), second_text_size);
    out[second_text_size] = '.';
    // Six digits two at a time (a digit at a time was a third of this function).
    auto u = static_cast<std::uint32_t>(us);
    std::memcpy(out + second_text_size + 1, two_digits[u / 10000].data(), 2);
    std::memcpy(out + second_text_size + 3, two_digits[u / 100 % 100].data(), 2);
    std::memcpy(out + second_text_size + 5, two_digits[u % 100].data(), 2);
    return out + time_text_size;
}

void append_time(std::int64_t time_ns, char separator, std::string& out) {
    char text[time_text_size];
    out.append(text, write_time(time_ns, separator, text));
}

}  // namespace rivet::log::detail
