// codec: how a logging call's arguments are copied into a buffer on the
// calling thread and read back on the backend, where fmt formats them.
//
// Numbers, pointers and enums are copied as bytes. Strings (std::string,
// string_view, C strings) are copied as a length and their characters and
// read back as string_views into the buffer. Any other type fmt can format is
// copy-constructed into the buffer (aligned) and destroyed after
// formatting, so a user type keeps its own formatter and format spec.
//
// Encoding is two passes over the arguments: size() (to reserve exactly the
// record's bytes) then encode(). Both advance the same offset, so alignment
// padding agrees; records start 8-byte aligned.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <rivet/log/field.hpp>
#include <rivet/log/record.hpp>
#include <string>
#include <string_view>
#include <type_traits>

namespace rivet::log::detail {

template <class T>
struct is_field : std::false_type {};
template <class T>
struct is_field<field<T>> : std::true_type {};
template <class T>
inline constexpr bool is_field_v = is_field<std::remove_cvref_t<T>>::value;

template <class T>
inline constexpr bool is_c_string_v = std::is_same_v<T, const char*> || std::is_same_v<T, char*>;

template <class T>
inline constexpr bool is_string_v =
    is_c_string_v<T> || std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>;

template <class T>
inline constexpr bool is_bytes_v = std::is_arithmetic_v<T> || std::is_enum_v<T> ||
                                   (std::is_pointer_v<T> && !is_c_string_v<T>);

/// How one decayed argument type travels. T is std::decay_t of the argument.
template <class T>
struct codec {
    static_assert(alignof(T) <= 8,
                  "rivet::log: arguments aligned beyond 8 bytes are not supported");
    static_assert(std::is_copy_constructible_v<T>, "rivet::log: arguments must be copyable");

    static constexpr std::size_t align(std::size_t offset) noexcept {
        return (offset + alignof(T) - 1) & ~(alignof(T) - 1);
    }
    static std::size_t size(std::size_t offset, const T&) noexcept {
        return align(offset) + sizeof(T);
    }
    static std::byte* encode(std::byte* p, const T& v) {
        auto* at = reinterpret_cast<std::byte*>(align(reinterpret_cast<std::uintptr_t>(p)));
        ::new (static_cast<void*>(at)) T(v);
        return at + sizeof(T);
    }
    static const T& decode(const std::byte*& p) noexcept {
        auto* at = reinterpret_cast<const std::byte*>(align(reinterpret_cast<std::uintptr_t>(p)));
        p = at + sizeof(T);
        return *std::launder(reinterpret_cast<const T*>(at));
    }
    static void destroy(const T& v) noexcept {
        if constexpr (!std::is_trivially_destructible_v<T>) v.~T();
    }
};

template <class T>
requires is_bytes_v<T>
struct codec<T> {
    static std::size_t size(std::size_t offset, const T&) noexcept { return offset + sizeof(T); }
    static std::byte* encode(std::byte* p, const T& v) noexcept {
        std::memcpy(p, &v, sizeof(T));
        return p + sizeof(T);
    }
    static T decode(const std::byte*& p) noexcept {
        T v;
        std::memcpy(&v, p, sizeof(T));
        p += sizeof(T);
        return v;
    }
    static void destroy(const T&) noexcept {}
};

template <class T>
requires is_string_v<T>
struct codec<T> {
    static std::string_view view(const T& v) noexcept {
        if constexpr (is_c_string_v<T>) {
            return v ? std::string_view(v) : std::string_view("(null)");
        } else {
            return std::string_view(v);
        }
    }
    static std::size_t size(std::size_t offset, const T& v) noexcept {
        return offset + sizeof(std::uint32_t) + view(v).size();
    }
    static std::byte* encode(std::byte* p, const T& v) noexcept {
        std::string_view s = view(v);
        auto n = static_cast<std::uint32_t>(s.size());
        std::memcpy(p, &n, sizeof n);
        std::memcpy(p + sizeof n, s.data(), n);
        return p + sizeof n + n;
    }
    static std::string_view decode(const std::byte*& p) noexcept {
        std::uint32_t n;
        std::memcpy(&n, p, sizeof n);
        std::string_view s(reinterpret_cast<const char*>(p + sizeof n), n);
        p += sizeof n + n;
        return s;
    }
    static void destroy(std::string_view) noexcept {}
};

/// An argument's stored type: decayed, and char arrays and char* become const char*.
template <class A>
using arg_t =
    std::conditional_t<std::is_same_v<std::decay_t<A>, char*>, const char*, std::decay_t<A>>;

/// The codec of an argument as passed.
template <class A>
using codec_of = codec<arg_t<A>>;

/// What a field's value is in JSON.
template <class T>
constexpr json_kind json_kind_of() noexcept {
    if constexpr (std::is_same_v<T, bool>) {
        return json_kind::boolean;
    } else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, char>) {
        return json_kind::number;
    } else {
        return json_kind::string;
    }
}

}  // namespace rivet::log::detail
