#include <fmt/format.h>
#include <string.h>

#include <algorithm>
#include <cstring>
#include <rivet/log/pattern.hpp>

#include "time_text.hpp"

namespace rivet::log {
namespace {

constexpr std::string_view default_pattern =
    "{time} {level} [{thread}] [{task}] {logger} {source}: {message}{fields}";

struct name_to_part {
    std::string_view name;
    pattern::part what;
};
constexpr name_to_part names[] = {
    {"time", pattern::part::time},         {"level", pattern::part::level},
    {"LEVEL", pattern::part::level_upper}, {"thread", pattern::part::thread},
    {"task", pattern::part::task},         {"logger", pattern::part::logger},
    {"source", pattern::part::source},     {"function", pattern::part::function},
    {"message", pattern::part::message},   {"fields", pattern::part::fields},
};

// The most a part of fixed length takes: "critical", a 32-bit thread id, ":"
// and a 32-bit line.
constexpr std::size_t level_bytes = 8;
constexpr std::size_t number_bytes = 10;

constexpr std::size_t index(pattern::part p) { return static_cast<std::size_t>(p); }

std::string_view base_name(std::string_view path) {
    const void* slash = ::memrchr(path.data(), '/', path.size());
    if (slash == nullptr) return path;
    return path.substr(static_cast<std::size_t>(static_cast<const char*>(slash) - path.data()) + 1);
}

char* put(std::string_view s, char* out) noexcept {
    std::memcpy(out, s.data(), s.size());
    return out + s.size();
}

char* put_number(std::uint32_t n, char* out) noexcept {
    fmt::format_int text(n);
    return put({text.data(), text.size()}, out);
}

std::size_t fields_size(std::span<const field_view> fields) noexcept {
    std::size_t n = 0;
    for (const auto& f : fields) n += 2 + f.key.size() + f.value.size();
    return n;
}

char* put_fields(std::span<const field_view> fields, char* out) noexcept {
    for (const auto& f : fields) {
        *out++ = ' ';
        out = put(f.key, out);
        *out++ = '=';
        out = put(f.value, out);
    }
    return out;
}

}  // namespace

pattern::pattern() : pattern(default_pattern) {}

pattern::pattern(std::string_view text) {
    std::string literal;
    auto flush_literal = [&] {
        if (!literal.empty()) pieces_.push_back({part::literal, std::move(literal)});
        literal.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            literal += c;
            ++i;
            continue;
        }
        if (c == '{') {
            auto close = text.find('}', i);
            if (close != std::string_view::npos) {
                std::string_view name = text.substr(i + 1, close - i - 1);
                auto known = std::find_if(std::begin(names), std::end(names),
                                          [name](const auto& n) { return n.name == name; });
                if (known != std::end(names)) {
                    flush_literal();
                    pieces_.push_back({known->what, {}});
                    i = close;
                    continue;
                }
            }
        }
        literal += c;
    }
    flush_literal();
    for (const auto& p : pieces_) {
        ++uses_[index(p.what)];
        switch (p.what) {
            case part::literal:
                fixed_bytes_ += p.text.size();
                break;
            case part::time:
                fixed_bytes_ += detail::time_text_size;
                break;
            case part::level:
            case part::level_upper:
                fixed_bytes_ += level_bytes;
                break;
            case part::thread:
                fixed_bytes_ += number_bytes;
                break;
            case part::task:
                fixed_bytes_ += 1;  // "-"
                break;
            case part::source:
                fixed_bytes_ += 1 + number_bytes;
                break;
            default:
                break;
        }
    }
}

std::size_t pattern::max_size(const record& r) const noexcept {
    return fixed_bytes_ + uses_[index(part::task)] * r.task.size() +
           uses_[index(part::logger)] * r.logger.size() +
           uses_[index(part::source)] * r.file.size() +
           uses_[index(part::function)] * r.function.size() +
           uses_[index(part::message)] * r.message.size() +
           (uses_[index(part::fields)] != 0
                ? uses_[index(part::fields)] * (fields_size(r.context) + fields_size(r.fields))
                : 0);
}

char* pattern::write(const record& r, char* out, std::size_t first,
                     std::size_t last) const noexcept {
    for (std::size_t i = first; i != last; ++i) {
        const piece& p = pieces_[i];
        switch (p.what) {
            case part::literal:
                out = put(p.text, out);
                break;
            case part::time:
                out = detail::write_time(r.time_ns, ' ', out);
                break;
            case part::level:
                out = put(to_string(r.level), out);
                break;
            case part::level_upper:
                for (char c : to_string(r.level)) *out++ = static_cast<char>(c - 'a' + 'A');
                break;
            case part::thread:
                out = put_number(r.thread_id, out);
                break;
            case part::task:
                out = put(r.task.empty() ? std::string_view("-") : r.task, out);
                break;
            case part::logger:
                out = put(r.logger, out);
                break;
            case part::source:
                out = put(base_name(r.file), out);
                *out++ = ':';
                out = put_number(r.line, out);
                break;
            case part::function:
                out = put(r.function, out);
                break;
            case part::message:
                out = put(r.message, out);
                break;
            case part::fields:
                out = put_fields(r.context, out);
                out = put_fields(r.fields, out);
                break;
        }
    }
    return out;
}

void pattern::format(const record& r, std::string& out) const {
    std::size_t start = out.size();
    out.resize(start + max_size(r));
    char* end = write(r, out.data() + start, 0, pieces_.size());
    out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace rivet::log
