// json_writer: JSON written straight into a response's body buffer.
//
//     res.json().begin_object().key("message").value("Hello, World!").end_object();
//
// No document tree is built: each call appends text. Commas are placed by
// the writer (a bit per nesting level), strings are escaped as RFC 8259
// requires, doubles are written in their shortest round-trip form (NaN and
// infinities, which JSON cannot express, as null). The writer checks
// nothing about key/value alternation: writing a value where a key belongs
// produces invalid JSON, as it would by hand.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace rivet::http {

class json_writer {
public:
    /// Appends to `out`, which must outlive the writer.
    explicit json_writer(std::string& out) noexcept : out_(&out) {}

    json_writer& begin_object() { return open('{'); }
    json_writer& end_object() { return close('}'); }
    json_writer& begin_array() { return open('['); }
    json_writer& end_array() { return close(']'); }

    /// Writes an object key; the next call writes its value.
    json_writer& key(std::string_view name);

    json_writer& value(std::string_view text);
    json_writer& value(const char* text) { return value(std::string_view(text)); }
    json_writer& value(bool b);
    json_writer& value(std::nullptr_t);
    json_writer& value(double d);
    template <class Int>
    requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>) json_writer& value(Int i) {
        if constexpr (std::is_signed_v<Int>) {
            return integer(static_cast<std::int64_t>(i));
        } else {
            return unsigned_integer(static_cast<std::uint64_t>(i));
        }
    }

    /// Appends `json`, which must already be valid JSON, as a value.
    json_writer& raw(std::string_view json);

    /// Shorthand for key(name).value(v).
    template <class T>
    json_writer& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

private:
    json_writer& open(char c);
    json_writer& close(char c);
    json_writer& integer(std::int64_t i);
    json_writer& unsigned_integer(std::uint64_t i);
    void separate();
    /// Appends `text` quoted and escaped, then `then` unless it is '\0'.
    void escaped(std::string_view text, char then = '\0');

    std::string* out_;
    std::uint64_t has_items_ = 0;  // bit n: level n already holds an item (so needs a comma)
    unsigned depth_ = 0;
    bool after_key_ = false;
};

}  // namespace rivet::http
