// call: a logging call's arguments, split into format arguments and fields,
// checked at compile time, encoded on the caller, decoded on the backend.
//
// A call's arguments may mix format arguments and kv() fields; the format
// arguments are those that are not fields, in order. checked_format hands
// them to fmt's compile-time check. Encoding writes every format argument,
// then every field (key, value); decode_call is instantiated for the call's
// argument types, and the record keeps a pointer to it.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <exception>
#include <rivet/log/detail/codec.hpp>
#include <rivet/log/detail/plain_format.hpp>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rivet::log::detail {

template <class... Ts>
struct type_list {};

/// Splits Args into the decayed format argument types and the field value types.
template <class Format, class Fields, class... Args>
struct split_call {
    using format = Format;
    using fields = Fields;
};
template <class... F, class... V, class A, class... Rest>
struct split_call<type_list<F...>, type_list<V...>, A, Rest...>
    : std::conditional_t<is_field_v<A>,
                         split_call<type_list<F...>, type_list<V..., std::decay_t<A>>, Rest...>,
                         split_call<type_list<F..., arg_t<A>>, type_list<V...>, Rest...>> {};

template <class... Args>
using split_t = split_call<type_list<>, type_list<>, Args...>;

template <class List>
struct fmt_string_for;
template <class... F>
struct fmt_string_for<type_list<F...>> {
    using type = fmt::format_string<F...>;
};

/// A format string checked against the call's format arguments at compile
/// time by fmt itself (a mismatch is a compile error).
template <class... Args>
struct checked_format {
    template <class S>
    requires std::is_convertible_v<const S&, std::string_view>
    consteval checked_format(const S& s) : text(s) {
        using fmt_string = typename fmt_string_for<typename split_t<Args...>::format>::type;
        [[maybe_unused]] fmt_string check(s);
    }
    std::string_view text;
};

/// What decoding a record produces (reused between records: no allocation
/// once warmed up).
struct decoded_call {
    fmt::memory_buffer message;
    fmt::memory_buffer values;  // the fields' values, back to back
    struct raw_field {
        std::string_view key;
        std::size_t begin, end;  // in `values`
        json_kind kind;
    };
    std::vector<raw_field> fields;
    plain_layouts layouts;

    void clear() noexcept {
        message.clear();
        values.clear();
        fields.clear();
    }
};

using decode_fn = void (*)(std::string_view format, const std::byte* args, decoded_call& out);

template <class A>
std::size_t arg_size(std::size_t offset, const A& a) noexcept {
    if constexpr (is_field_v<A>) {
        return offset;
    } else {
        return codec_of<A>::size(offset, a);
    }
}
template <class A>
std::size_t field_size(std::size_t offset, const A& a) noexcept {
    if constexpr (is_field_v<A>) {
        offset = codec<std::string_view>::size(offset, a.key);
        return codec_of<decltype(a.value)>::size(offset, a.value);
    } else {
        return offset;
    }
}

/// The end offset of a call's encoded arguments that start at `offset`.
template <class... Args>
std::size_t call_size(std::size_t offset, const Args&... args) noexcept {
    ((offset = arg_size(offset, args)), ...);
    ((offset = field_size(offset, args)), ...);
    return offset;
}

template <class A>
std::byte* encode_arg(std::byte* p, const A& a) {
    if constexpr (is_field_v<A>) {
        return p;
    } else {
        return codec_of<A>::encode(p, a);
    }
}
template <class A>
std::byte* encode_field(std::byte* p, const A& a) {
    if constexpr (is_field_v<A>) {
        p = codec<std::string_view>::encode(p, a.key);
        return codec_of<decltype(a.value)>::encode(p, a.value);
    } else {
        return p;
    }
}

/// Copies a call's arguments to `p` (call_size() bytes must be there).
template <class... Args>
void encode_call([[maybe_unused]] std::byte* p, const Args&... args) {
    ((p = encode_arg(p, args)), ...);
    ((p = encode_field(p, args)), ...);
}

template <class V>
void decode_field(const std::byte*& p, decoded_call& out) {
    std::string_view key = codec<std::string_view>::decode(p);
    using value_t = arg_t<decltype(std::declval<V>().value)>;
    decltype(auto) value = codec<value_t>::decode(p);
    std::size_t begin = out.values.size();
    struct destroy_after {
        decltype(value)& v;
        ~destroy_after() { codec<value_t>::destroy(v); }
    } guard{value};
    try {
        append_plain(out.values, value);
    } catch (const std::exception& e) {
        fmt::format_to(fmt::appender(out.values), "[format error: {}]", e.what());
    }
    out.fields.push_back({key, begin, out.values.size(), json_kind_of<value_t>()});
}

template <class... F, class... V, std::size_t... I>
void decode_parts(type_list<F...>, type_list<V...>, std::index_sequence<I...>,
                  std::string_view format, [[maybe_unused]] const std::byte* p, decoded_call& out) {
    {
        // Braced initialisation decodes left to right, as encoded.
        std::tuple<decltype(codec<F>::decode(p))...> args{codec<F>::decode(p)...};
        struct destroy_after {
            decltype(args)& a;
            ~destroy_after() { (codec<F>::destroy(std::get<I>(a)), ...); }
        } guard{args};
        try {
            bool done = false;
            if constexpr ((is_plain_v<decltype(std::get<I>(args))> && ...)) {
                done =
                    format_plain(out.layouts.of(format), format, out.message, std::get<I>(args)...);
            }
            if (!done) {
                fmt::vformat_to(fmt::appender(out.message), format,
                                fmt::make_format_args(std::get<I>(args)...));
            }
        } catch (const std::exception& e) {
            // A user formatter threw: say so in the line rather than lose it.
            fmt::format_to(fmt::appender(out.message), "[format error: {}] {}", e.what(), format);
        }
    }
    (decode_field<V>(p, out), ...);
}

/// Formats a record's message and renders its fields (runs on the backend).
template <class... Args>
void decode_call(std::string_view format, const std::byte* p, decoded_call& out) {
    using parts = split_t<Args...>;
    [&]<class... F>(type_list<F...> f) {
        decode_parts(f, typename parts::fields{}, std::index_sequence_for<F...>{}, format, p, out);
    }(typename parts::format{});
}

}  // namespace rivet::log::detail
