// The header lines every response starts with, "Server: rivet" and the Date
// (RFC 9110 5.6.7), formatted once a second per thread: a response costs one
// clock read and one copy of 52 bytes.
#pragma once

#include <string_view>

namespace rivet::http::detail {

/// "Server: rivet\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n" for now; valid
/// until the calling thread's next call.
std::string_view server_and_date_lines() noexcept;

}  // namespace rivet::http::detail
