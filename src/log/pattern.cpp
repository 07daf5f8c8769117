#include <fmt/format.h>
#include <time.h>

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

std::string_view base_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void append_fields(std::span<const field_view> fields, std::string& out) {
    for (const auto& f : fields) {
        out += ' ';
        out += f.key;
        out += '=';
        out += f.value;
    }
}

void append_int(std::uint32_t n, std::string& out) {
    fmt::format_int text(n);
    out.append(text.data(), text.size());
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
                bool known = false;
                for (const auto& n : names) {
                    if (n.name == name) {
                        flush_literal();
                        pieces_.push_back({n.what, {}});
                        known = true;
                        break;
                    }
                }
                if (known) {
                    i = close;
                    continue;
                }
            }
        }
        literal += c;
    }
    flush_literal();
}

void pattern::format(const record& r, std::string& out) const {
    for (const auto& p : pieces_) {
        switch (p.what) {
            case part::literal:
                out += p.text;
                break;
            case part::time:
                detail::append_time(r.time_ns, ' ', out);
                break;
            case part::level:
                out += to_string(r.level);
                break;
            case part::level_upper:
                for (char c : to_string(r.level)) out += static_cast<char>(c - 'a' + 'A');
                break;
            case part::thread:
                fmt::format_to(std::back_inserter(out), "{}", r.thread_id);
                break;
            case part::task:
                out += r.task.empty() ? std::string_view("-") : r.task;
                break;
            case part::logger:
                out += r.logger;
                break;
            case part::source:
                out += base_name(r.file);
                out += ':';
                append_int(r.line, out);
                break;
            case part::function:
                out += r.function;
                break;
            case part::message:
                out += r.message;
                break;
            case part::fields:
                append_fields(r.context, out);
                append_fields(r.fields, out);
                break;
        }
    }
}

}  // namespace rivet::log
