// plain_format: formatting a message whose replacement fields are all "{}"
// without fmt's run-time parser.
//
// fmt::vformat_to parses the format string of every record again (about 400
// of the 1,100 instructions a two-argument message cost the backend). Most
// messages use only "{}" with numbers and strings, for which fmt's compiled
// path (FMT_COMPILE("{}")) writes exactly what vformat_to would. So the
// backend scans the format string once, copying the text between fields and
// writing each argument through the compiled path; anything else (a format
// spec, an index, an escaped brace, a user type) makes format_plain() give
// up, and the caller formats the message with fmt as before.
#pragma once

#include <fmt/compile.h>
#include <fmt/format.h>

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace rivet::log::detail {

/// Types whose "{}" text FMT_COMPILE writes the same as vformat_to (a
/// decoded argument: strings arrive as string_view).
template <class T>
inline constexpr bool is_plain_v = std::is_arithmetic_v<std::remove_cvref_t<T>> ||
                                   std::is_same_v<std::remove_cvref_t<T>, std::string_view>;

/// Appends `v` as "{}" prints it.
template <class T>
void write_plain(fmt::memory_buffer& out, const T& v) {
    if constexpr (is_plain_v<T>) {
        fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), v);
    } else {
        fmt::format_to(fmt::appender(out), "{}", v);
    }
}

/// Appends the argument at position `i` of `args`.
template <class... T>
void write_nth(std::size_t i, fmt::memory_buffer& out, const T&... args) {
    std::size_t k = 0;
    ((k++ == i ? write_plain(out, args) : void()), ...);
}

/// Appends `format` with its "{}" fields replaced by `args` in order, and
/// returns true; returns false, leaving `out` as it was, when the format
/// string has anything but "{}" fields or plain text (fmt then formats it).
/// Arguments beyond the fields are ignored, as fmt does.
template <class... T>
bool format_plain(std::string_view format, fmt::memory_buffer& out, const T&... args) {
    static_assert((is_plain_v<T> && ...));
    const std::size_t start = out.size();
    const char* text = format.data();
    const char* const end = text + format.size();
    std::size_t next = 0;
    for (const char* c = text; c != end;) {
        if (*c != '{' && *c != '}') {
            ++c;
            continue;
        }
        if (*c == '}' || c + 1 == end || c[1] != '}' || next == sizeof...(T)) {
            out.resize(start);
            return false;
        }
        out.append(text, c);
        write_nth(next++, out, args...);
        c += 2;
        text = c;
    }
    out.append(text, end);
    return true;
}

}  // namespace rivet::log::detail
