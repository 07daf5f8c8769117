// plain_format: formatting a message whose replacement fields are all "{}"
// without fmt's run-time parser.
//
// fmt::vformat_to parses the format string of every record again (about 400
// of the 1,100 instructions a two-argument message cost the backend). Most
// messages use only "{}" with numbers and strings, for which fmt's compiled
// path (FMT_COMPILE("{}")) writes exactly what vformat_to would. So the
// backend looks a format string up in a small cache of layouts (where its
// "{}" fields are; format strings are literals, so their address is their
// identity), reserves the most the message can take, copies the text
// between fields and writes each argument through the compiled path. A
// format string with anything else (a format spec, an index, an escaped
// brace) has no plain layout, and a call with an argument of another type
// does not look; fmt formats those messages as before.
#pragma once

#include <fmt/compile.h>
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace rivet::log::detail {

/// Types whose "{}" text FMT_COMPILE writes the same as vformat_to (a
/// decoded argument: strings arrive as string_view).
template <class T>
inline constexpr bool is_plain_v = std::is_arithmetic_v<std::remove_cvref_t<T>> ||
                                   std::is_same_v<std::remove_cvref_t<T>, std::string_view>;

/// Where a format string's "{}" fields are.
struct plain_layout {
    static constexpr std::size_t max_fields = 16;

    const char* format = nullptr;  // the string described (null: an empty slot)
    std::size_t size = 0;
    bool plain = false;  // only text and at most max_fields "{}" fields
    std::uint8_t fields = 0;
    std::uint32_t field_at[max_fields] = {};  // the offset of each "{"
};

/// Layouts of recently formatted strings, direct-mapped by address.
class plain_layouts {
public:
    /// The layout of `format` (worked out on a miss).
    const plain_layout& of(std::string_view format) noexcept {
        auto bits = reinterpret_cast<std::uintptr_t>(format.data());
        plain_layout& slot = slots_[(bits ^ (bits >> 6)) % std::size(slots_)];
        if (slot.format != format.data() || slot.size != format.size()) fill(slot, format);
        return slot;
    }

private:
    static void fill(plain_layout& slot, std::string_view format) noexcept;
    plain_layout slots_[16];
};

/// The most characters "{}" of `v` takes.
template <class T>
std::size_t plain_size(const T& v) noexcept {
    if constexpr (std::is_same_v<T, std::string_view>) {
        return v.size();
    } else {
        return 64;  // any arithmetic type's shortest form (long double: under 32)
    }
}

/// Writes `v` as "{}" prints it at `out`; returns the end.
template <class T>
char* write_plain(char* out, const T& v) {
    if constexpr (std::is_same_v<T, std::string_view>) {
        std::memcpy(out, v.data(), v.size());
        return out + v.size();
    } else {
        return fmt::format_to(out, FMT_COMPILE("{}"), v);
    }
}

/// Writes the argument at position `i` of `args` at `out`; returns the end.
template <class... T>
char* write_nth(std::size_t i, char* out, const T&... args) {
    std::size_t k = 0;
    ((out = k++ == i ? write_plain(out, args) : out), ...);
    return out;
}

/// Appends `v` as "{}" prints it to `out`.
template <class T>
void append_plain(fmt::memory_buffer& out, const T& v) {
    if constexpr (is_plain_v<T>) {
        const std::size_t start = out.size();
        out.resize(start + plain_size(v));
        out.resize(static_cast<std::size_t>(write_plain(out.data() + start, v) - out.data()));
    } else {
        fmt::format_to(fmt::appender(out), "{}", v);
    }
}

/// Appends `format` with its fields replaced by `args` in order when its
/// layout is plain, and returns true; returns false, `out` untouched,
/// otherwise. Arguments beyond the fields are ignored, as fmt does.
template <class... T>
bool format_plain(const plain_layout& layout, std::string_view format, fmt::memory_buffer& out,
                  const T&... args) {
    static_assert((is_plain_v<T> && ...));
    if (!layout.plain || layout.fields > sizeof...(T)) return false;
    const std::size_t start = out.size();
    out.resize(start + format.size() + (plain_size(args) + ... + 0));
    char* p = out.data() + start;
    std::size_t from = 0;
    for (std::size_t i = 0; i != layout.fields; ++i) {
        std::size_t at = layout.field_at[i];
        std::memcpy(p, format.data() + from, at - from);
        p = write_nth(i, p + (at - from), args...);
        from = at + 2;
    }
    std::memcpy(p, format.data() + from, format.size() - from);
    p += format.size() - from;
    out.resize(static_cast<std::size_t>(p - out.data()));
    return true;
}

}  // namespace rivet::log::detail
