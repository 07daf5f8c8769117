// Severity levels of rivet's logger.
//
// Six levels, trace (most verbose) to critical, plus `off`. A call is
// filtered twice: at compile time by RIVET_LOG_LEVEL (calls below it are
// removed from the program, arguments and all), and at run time by its
// logger's level (one relaxed load; the arguments of a filtered call are not
// evaluated).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

// The numeric values, for RIVET_LOG_LEVEL (a macro must compare integers).
#define RIVET_LOG_LEVEL_TRACE 0
#define RIVET_LOG_LEVEL_DEBUG 1
#define RIVET_LOG_LEVEL_INFO 2
#define RIVET_LOG_LEVEL_WARN 3
#define RIVET_LOG_LEVEL_ERROR 4
#define RIVET_LOG_LEVEL_CRITICAL 5
#define RIVET_LOG_LEVEL_OFF 6

/// The lowest level compiled in: define it (e.g. -DRIVET_LOG_LEVEL=RIVET_LOG_LEVEL_INFO)
/// to remove every call below that level from the program.
#ifndef RIVET_LOG_LEVEL
#define RIVET_LOG_LEVEL RIVET_LOG_LEVEL_TRACE
#endif

namespace rivet::log {

/// How severe a message is; `off` only as a logger's level (logs nothing).
enum class level : std::uint8_t {
    trace = RIVET_LOG_LEVEL_TRACE,
    debug = RIVET_LOG_LEVEL_DEBUG,
    info = RIVET_LOG_LEVEL_INFO,
    warn = RIVET_LOG_LEVEL_WARN,
    error = RIVET_LOG_LEVEL_ERROR,
    critical = RIVET_LOG_LEVEL_CRITICAL,
    off = RIVET_LOG_LEVEL_OFF,
};

/// The lower-case name: "trace", "debug", "info", "warn", "error", "critical", "off".
[[nodiscard]] constexpr std::string_view to_string(level l) noexcept {
    constexpr std::string_view names[] = {"trace", "debug",    "info", "warn",
                                          "error", "critical", "off"};
    auto i = static_cast<std::uint8_t>(l);
    return i < 7 ? names[i] : "?";
}

/// The level named `name` (as to_string writes it), or nothing.
[[nodiscard]] constexpr std::optional<level> parse_level(std::string_view name) noexcept {
    for (std::uint8_t i = 0; i < 7; ++i) {
        if (to_string(static_cast<level>(i)) == name) return static_cast<level>(i);
    }
    return std::nullopt;
}

}  // namespace rivet::log
