// line_layout: a sink's pattern, with the text of a record's origin kept
// from one line to the next.
//
// Most of a text line depends only on where and by whom the record was
// logged: the level, thread, task, logger, source and function, and the
// literals between them. A sink writes long stretches of lines from one
// call site and thread, so it lays that text out once, and for each
// following record with the same origin (compared by value) copies it and
// writes only the time, the message and the fields. A different origin lays
// the text out again; the result is always what pattern::format writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <rivet/log/pattern.hpp>
#include <rivet/log/record.hpp>
#include <string>
#include <vector>

namespace rivet::log::detail {

class line_layout {
public:
    explicit line_layout(pattern p);

    /// Appends `r` laid out by the pattern (no newline) to `out`.
    void append(const record& r, std::string& out);

private:
    // A stretch of the pattern: pieces [first, last), either of the
    // record's origin (`what` is part::literal: their text is
    // origin_text_[begin, end)) or one piece written per record (time,
    // message, fields).
    struct run {
        pattern::part what;
        std::size_t first, last;
        std::size_t begin = 0, end = 0;
    };
    [[nodiscard]] bool same_origin(const record& r) const noexcept;
    void remember_origin(const record& r);

    pattern pattern_;
    std::vector<run> runs_;
    bool origin_known_ = false;
    // The origin origin_text_ was laid out for: only what the pattern shows.
    log::level level_ = level::info;
    std::uint32_t thread_id_ = 0;
    std::uint32_t line_ = 0;
    std::string task_, logger_, file_, function_;
    std::string origin_text_;
};

}  // namespace rivet::log::detail
