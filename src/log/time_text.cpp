#include "time_text.hpp"

#include <time.h>

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

// gmtime_r and snprintf cost more than the rest of a line: once a second.
const char* text_of_second(std::int64_t s, char separator) noexcept {
    thread_local second_text cache[2];  // ' ' and 'T'
    second_text& c = cache[separator == 'T' ? 1 : 0];
    if (c.second != s) {
        time_t t = static_cast<time_t>(s);
        tm parts{};
        gmtime_r(&t, &parts);
        std::snprintf(c.text, sizeof c.text, "%04d-%02d-%02d%c%02d:%02d:%02d", parts.tm_year + 1900,
                      parts.tm_mon + 1, parts.tm_mday, separator, parts.tm_hour, parts.tm_min,
                      parts.tm_sec);
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
