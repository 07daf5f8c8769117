// render: turns a record in a ring into a log::record and hands it to the
// logger's sinks. Shared by the backend and by callers that write directly
// (sync mode, oversized records, after exit).
#pragma once

#include <mutex>
#include <rivet/log/detail/thread_buffer.hpp>
#include <rivet/log/record.hpp>
#include <string>
#include <vector>

#include "tick_clock.hpp"

namespace rivet::log::detail {

/// Serialises every call into sinks (the backend holds it for a round).
std::mutex& sink_lock() noexcept;

/// Reusable scratch for formatting records; one per thread that renders.
class renderer {
public:
    /// Formats `h` (arguments at `args`) and writes it to its logger's sinks;
    /// releases the record's context and destroys its arguments. The caller
    /// holds sink_lock(). `thread_id` is the logging thread's.
    void write(const record_header& h, const std::byte* args, std::uint32_t thread_id) noexcept;

    /// Writes a line the logging library itself makes (a drop report).
    static void write_note(const logger& lg, level l, std::string_view message) noexcept;

private:
    // A call site's file and function names are string literals: their
    // length is measured when the site changes, not on every record.
    struct last_string {
        std::string_view last;
        std::string_view view(const char* s) noexcept {
            if (s != last.data()) last = s;
            return last;
        }
    };

    decoded_call call_;
    std::vector<field_view> context_;
    std::vector<field_view> fields_;
    tick_clock clock_;
    last_string last_file_;
    last_string last_function_;
};

/// The calling thread's kernel id (cached).
std::uint32_t current_thread_id() noexcept;

}  // namespace rivet::log::detail
