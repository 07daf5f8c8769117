// pattern: the layout of a text line.
//
// A pattern is text with placeholders in braces:
//
//     {time}     2025-01-31 12:34:56.123456 (UTC, to the microsecond)
//     {level}    info, warn... ({LEVEL}: INFO, WARN...)
//     {thread}   the kernel's thread id
//     {task}     the task's name, or "-" outside a task
//     {logger}   the logger's name
//     {source}   file:line (the file's last path component)
//     {function} the enclosing function
//     {message}  the formatted message
//     {fields}   context then call fields, " key=value" each (nothing when none)
//
// "{{" and "}}" are literal braces; an unknown placeholder is kept as text.
// The default is "{time} {level} [{thread}] [{task}] {logger} {source}: {message}{fields}".
#pragma once

#include <cstdint>
#include <rivet/log/record.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rivet::log {

/// A compiled text layout; cheap to copy.
class pattern {
public:
    /// The default layout.
    pattern();
    /// Compiles `text` (see the header's overview).
    explicit pattern(std::string_view text);

    /// Appends `r` laid out by this pattern (no newline) to `out`.
    void format(const record& r, std::string& out) const;

    /// What a piece of the pattern prints.
    enum class part : std::uint8_t {
        literal,
        time,
        level,
        level_upper,
        thread,
        task,
        logger,
        source,
        function,
        message,
        fields
    };

private:
    struct piece {
        part what;
        std::string text;  // for literal
    };
    std::vector<piece> pieces_;
};

/// Appends `r` as one JSON object (no newline): time (ISO 8601, µs, UTC),
/// level, thread, task (when in one), logger, file, line, message, then each
/// context and call field as a member of its own.
void format_json(const record& r, std::string& out);

}  // namespace rivet::log
