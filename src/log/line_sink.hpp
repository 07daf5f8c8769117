// line_sink: the part every file-backed sink shares: lay a record out as a
// text (pattern) or JSON line into an fd_writer's buffer.
#pragma once

#include <rivet/log/sink.hpp>

#include "fd_writer.hpp"

namespace rivet::log::detail {

/// Appends `r` and a newline to `out`.
inline void append_line(const record& r, const pattern& p, line_format format, std::string& out) {
    if (format == line_format::json) {
        format_json(r, out);
    } else {
        p.format(r, out);
    }
    out += '\n';
}

}  // namespace rivet::log::detail
