#include <charconv>
#include <cmath>
#include <cstring>
#include <rivet/http/json_writer.hpp>
#include <stdexcept>

namespace rivet::http {

void json_writer::separate() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    std::uint64_t bit = std::uint64_t{1} << (depth_ & 63);
    if (has_items_ & bit) out_->push_back(',');
    has_items_ |= bit;
}

json_writer& json_writer::open(char c) {
    separate();
    out_->push_back(c);
    if (++depth_ >= 64) throw std::length_error("json_writer: nesting deeper than 63 levels");
    has_items_ &= ~(std::uint64_t{1} << depth_);
    return *this;
}

json_writer& json_writer::close(char c) {
    out_->push_back(c);
    if (depth_ > 0) --depth_;
    return *this;
}

json_writer& json_writer::key(std::string_view name) {
    separate();
    escaped(name, ':');
    after_key_ = true;
    return *this;
}

json_writer& json_writer::value(std::string_view text) {
    separate();
    escaped(text);
    return *this;
}

json_writer& json_writer::value(bool b) {
    separate();
    out_->append(b ? "true" : "false");
    return *this;
}

json_writer& json_writer::value(std::nullptr_t) {
    separate();
    out_->append("null");
    return *this;
}

json_writer& json_writer::value(double d) {
    separate();
    if (!std::isfinite(d)) {
        out_->append("null");
        return *this;
    }
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
    out_->append(buffer, end);
    return *this;
}

json_writer& json_writer::integer(std::int64_t i) {
    separate();
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, i);
    out_->append(buffer, end);
    return *this;
}

json_writer& json_writer::unsigned_integer(std::uint64_t i) {
    separate();
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, i);
    out_->append(buffer, end);
    return *this;
}

json_writer& json_writer::raw(std::string_view json) {
    separate();
    out_->append(json);
    return *this;
}

void json_writer::escaped(std::string_view text, char then) {
    static constexpr char hex[] = "0123456789abcdef";
    auto plain = [](unsigned char c) { return c >= 0x20 && c != '"' && c != '\\'; };
    // Most strings need no escape: quoted (and followed by `then`) in one append.
    constexpr std::size_t short_text = 64;
    if (text.size() <= short_text) {
        bool all_plain = true;
        for (char c : text) all_plain &= plain(static_cast<unsigned char>(c));
        if (all_plain) {
            char quoted[short_text + 3];
            quoted[0] = '"';
            std::memcpy(quoted + 1, text.data(), text.size());
            quoted[text.size() + 1] = '"';
            quoted[text.size() + 2] = then;
            out_->append(quoted, text.size() + (then != '\0' ? 3 : 2));
            return;
        }
    }
    out_->push_back('"');
    std::size_t run = 0;  // start of the run of bytes that need no escape
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (plain(c)) continue;
        out_->append(text.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"':
                out_->append("\\\"");
                break;
            case '\\':
                out_->append("\\\\");
                break;
            case '\n':
                out_->append("\\n");
                break;
            case '\r':
                out_->append("\\r");
                break;
            case '\t':
                out_->append("\\t");
                break;
            case '\b':
                out_->append("\\b");
                break;
            case '\f':
                out_->append("\\f");
                break;
            default: {
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                out_->append(u, 6);
            }
        }
    }
    out_->append(text.data() + run, text.size() - run);
    out_->push_back('"');
    if (then != '\0') out_->push_back(then);
}

}  // namespace rivet::http
