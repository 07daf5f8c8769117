// The Date header's value (RFC 9110 5.6.7), formatted once a second per
// thread: a response costs one clock read and a copy of 29 bytes.
#pragma once

#include <string_view>

namespace rivet::http::detail {

/// "Sun, 06 Nov 1994 08:49:37 GMT" for now; valid until the calling thread's next call.
std::string_view http_date() noexcept;

}  // namespace rivet::http::detail
