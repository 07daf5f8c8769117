// record: one formatted message as sinks receive it.
//
// The backend (or, in sync mode, the calling thread) decodes the arguments
// a call copied, formats the message with fmt, renders each field's value,
// and hands sinks this view. Everything in it lives until the sink returns.
#pragma once

#include <cstdint>
#include <rivet/log/level.hpp>
#include <span>
#include <string_view>

namespace rivet::log {

/// How a field's value is written as JSON.
enum class json_kind : std::uint8_t { string, number, boolean };

/// A rendered key-value pair.
struct field_view {
    std::string_view key;
    std::string_view value;  // as fmt's "{}" prints it
    json_kind kind = json_kind::string;
};

/// A message ready for sinks.
struct record {
    std::int64_t time_ns = 0;  // nanoseconds since the Unix epoch (UTC)
    log::level level = level::info;
    std::uint32_t thread_id = 0;          // the kernel's thread id (gettid)
    std::string_view task;                // the task's name, empty outside a task
    std::string_view logger;              // the logger's name
    std::string_view file;                // source file, as the compiler saw it
    std::uint32_t line = 0;               // source line
    std::string_view function;            // enclosing function
    std::string_view message;             // formatted
    std::span<const field_view> context;  // the task's or thread's context fields
    std::span<const field_view> fields;   // the call's own fields
};

}  // namespace rivet::log
