// http_error: how a handler (or the framework, for a bad body) ends a request
// with a given status. Thrown from anywhere in the middleware chain, it
// becomes a response with that status and the message as a plain-text body;
// any other exception becomes a 500 whose body says nothing of the cause.
#pragma once

#include <stdexcept>
#include <string>

namespace rivet::http {

class http_error : public std::runtime_error {
public:
    /// `status` is the response's status; `message` its body.
    http_error(int status, const std::string& message)
        : std::runtime_error(message), status_(status) {}

    [[nodiscard]] int status() const noexcept { return status_; }

private:
    int status_;
};

/// The reason phrase of `status` ("Not Found"), or "Unknown" for one rivet does not name.
[[nodiscard]] const char* reason_phrase(int status) noexcept;

}  // namespace rivet::http
