// line_sink: what every descriptor-backed sink shares: lay a record out as a
// text (pattern) or JSON line into an fd_writer's buffer.
#pragma once

#include <rivet/log/sink.hpp>
#include <utility>

#include "fd_writer.hpp"
#include "line_layout.hpp"

namespace rivet::log::detail {

/// Appends `r` and a newline to `out`.
inline void append_line(const record& r, line_layout& layout, line_format format,
                        std::string& out) {
    if (format == line_format::json) {
        format_json(r, out);
    } else {
        layout.append(r, out);
    }
    out += '\n';
}

/// A sink that writes lines to a descriptor (a file, the console).
class line_sink : public sink {
public:
    template <class... WriterArgs>
    line_sink(pattern p, line_format format, WriterArgs&&... writer_args)
        : out_(std::forward<WriterArgs>(writer_args)...), layout_(std::move(p)), format_(format) {}

    void write(const record& r) override {
        append_line(r, layout_, format_, out_.buffer());
        out_.maybe_write();
    }
    void flush() override { out_.write_out(); }
    [[nodiscard]] std::uint64_t errors() const noexcept override { return out_.errors(); }

protected:
    fd_writer out_;
    line_layout layout_;
    line_format format_;
};

}  // namespace rivet::log::detail
