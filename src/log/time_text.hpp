// time_text: "2025-01-31 12:34:56.123456" from nanoseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>

namespace rivet::log::detail {

/// Characters write_time() writes.
inline constexpr std::size_t time_text_size = 26;

/// Writes the UTC time to the microsecond, with `separator` between the date
/// and the time (' ' for text, 'T' for ISO 8601), to `out` (time_text_size
/// bytes); returns the end. The date and time of day are formatted once a
/// second (per thread and separator) and copied in between.
char* write_time(std::int64_t time_ns, char separator, char* out) noexcept;

/// Appends write_time()'s text to `out`.
void append_time(std::int64_t time_ns, char separator, std::string& out);

/// The UTC day number (days since the epoch) of `time_ns`.
[[nodiscard]] std::int64_t utc_day(std::int64_t time_ns) noexcept;

}  // namespace rivet::log::detail
