// time_text: "2025-01-31 12:34:56.123456" from nanoseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>

namespace rivet::log::detail {

/// Appends the UTC time to the microsecond, with `separator` between the
/// date and the time (' ' for text, 'T' for ISO 8601).
void append_time(std::int64_t time_ns, char separator, std::string& out);

/// The UTC day number (days since the epoch) of `time_ns`.
[[nodiscard]] std::int64_t utc_day(std::int64_t time_ns) noexcept;

}  // namespace rivet::log::detail
