// Sinks: where formatted records go.
//
// A sink is called by one thread at a time (the backend, or a sync-mode
// caller under the logger's sink lock), so it needs no lock of its own. It
// buffers what it writes and writes through on flush(). Several loggers may
// share a sink, and a logger may have several.
//
// Errors (an unwritable path, a full disk) never throw and never crash: the
// first is reported on stderr with the path and errno, every one is counted
// (errors()), and the lines that could not be written are lost.
//
// Text sinks lay a record out with a pattern (see pattern.hpp); JSON sinks
// write one JSON object a line.
#pragma once

#include <cstdint>
#include <memory>
#include <rivet/log/pattern.hpp>
#include <rivet/log/record.hpp>
#include <string>

namespace rivet::log {

/// Where records go. Implementations override write() and flush().
class sink {
public:
    virtual ~sink() = default;
    /// Writes (or buffers) one record.
    virtual void write(const record& r) = 0;
    /// Writes out whatever is buffered.
    virtual void flush() = 0;
    /// Write errors so far (each failed write or open counts once).
    [[nodiscard]] virtual std::uint64_t errors() const noexcept { return 0; }
};

/// How a sink lays out a line.
enum class line_format : std::uint8_t { text, json };

/// Which console stream.
enum class console_stream : std::uint8_t { out, err };

/// Standard output or error. Text lines are coloured by level when the
/// stream is a terminal (and `colour` is true).
[[nodiscard]] std::shared_ptr<sink> console_sink(console_stream stream = console_stream::out,
                                                 pattern p = pattern(), bool colour = true,
                                                 line_format format = line_format::text);

/// A file, appended to (created with mode 0644 if missing).
[[nodiscard]] std::shared_ptr<sink> file_sink(std::string path, pattern p = pattern(),
                                              line_format format = line_format::text);

/// When a rotating file starts a new file.
struct rotation {
    /// Rotate before a write would make the file larger than this; 0: never.
    std::uint64_t max_bytes = 0;
    /// Rotate when the UTC date of a record differs from the file's.
    bool daily = false;
    /// Files kept besides the current one: path.1 (newest) ... path.keep.
    unsigned keep = 5;
};

/// A file that rotates: the current file is `path`; older ones are renamed
/// to path.1, path.2, ... and the oldest beyond `keep` is deleted.
[[nodiscard]] std::shared_ptr<sink> rotating_file_sink(std::string path, rotation when,
                                                       pattern p = pattern(),
                                                       line_format format = line_format::text);

}  // namespace rivet::log
