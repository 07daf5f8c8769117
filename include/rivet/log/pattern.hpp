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

#include <cstddef>
#include <cstdint>
#include <rivet/log/record.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rivet::log {

namespace detail {
class line_layout;
}

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
    friend class detail::line_layout;

    /// The most bytes write() puts down for `r`.
    [[nodiscard]] std::size_t max_size(const record& r) const noexcept;
    /// Lays pieces [first, last) of `r` out at `out` (max_size(r) bytes
    /// there); returns the end.
    char* write(const record& r, char* out, std::size_t first, std::size_t last) const noexcept;

    struct piece {
        part what;
        std::string text;  // for literal
    };
    std::vector<piece> pieces_;
    // max_size() is fixed_bytes_ (literals, and the most the time, level,
    // thread and line take) plus, for each part of variable length, its
    // length times the times it appears.
    std::size_t fixed_bytes_ = 0;
    std::size_t uses_[static_cast<int>(part::fields) + 1] = {};
};

/// Appends `r` as one JSON object (no newline): time (ISO 8601, µs, UTC),
/// level, thread, task (when in one), logger, file, line, message, then each
/// context and call field as a member of its own.
void format_json(const record& r, std::string& out);

}  // namespace rivet::log
