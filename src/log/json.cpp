#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <rivet/log/pattern.hpp>

#include "time_text.hpp"

namespace rivet::log {
namespace {

void append_string(std::string_view s, std::string& out) {
    out += '"';
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<int>(c));
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

// A value fmt printed from a number is valid JSON unless it is inf or nan.
bool is_json_number(std::string_view v) {
    if (v.empty()) return false;
    for (char c : v) {
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
            return false;
        }
    }
    return true;
}

void append_member(const field_view& f, std::string& out) {
    out += ',';
    append_string(f.key, out);
    out += ':';
    if ((f.kind == json_kind::number && is_json_number(f.value)) ||
        (f.kind == json_kind::boolean && (f.value == "true" || f.value == "false"))) {
        out += f.value;
    } else {
        append_string(f.value, out);
    }
}

}  // namespace

void format_json(const record& r, std::string& out) {
    out += "{\"time\":\"";
    detail::append_time(r.time_ns, 'T', out);
    out += "Z\",\"level\":";
    append_string(to_string(r.level), out);
    fmt::format_to(std::back_inserter(out), ",\"thread\":{}", r.thread_id);
    if (!r.task.empty()) {
        out += ",\"task\":";
        append_string(r.task, out);
    }
    out += ",\"logger\":";
    append_string(r.logger, out);
    out += ",\"file\":";
    append_string(r.file, out);
    fmt::format_to(std::back_inserter(out), ",\"line\":{}", r.line);
    out += ",\"message\":";
    append_string(r.message, out);
    for (const auto& f : r.context) append_member(f, out);
    for (const auto& f : r.fields) append_member(f, out);
    out += '}';
}

}  // namespace rivet::log
