// Middleware rivet provides. Each returns a `middleware` to pass to
// server::use (every request, 404s included) or to a route group.
//
//  - request_id(): takes the client's X-Request-Id when it is short and
//    plain, else makes one; sets request::id() and the response header.
//  - timing(): adds `Server-Timing: app;dur=<ms>` (the rest of the chain's time).
//  - access_log(sink): one line per request, after the response is built:
//    `<peer> "<method> <target> HTTP/1.<v>" <status> <body bytes> <µs>us id=<id>`.
//    The sink is a plain function, so the http module does not depend on
//    the log module; examples/service passes one that calls rivet's logger.
//  - cors(options): Access-Control-* headers on responses to requests with
//    an Origin, and answers preflights (OPTIONS with
//    Access-Control-Request-Method) with 204 without running the rest. A
//    preflight reaches middleware only for a path it runs on: put cors() on
//    the server, or register OPTIONS routes for a group's paths.
#pragma once

#include <functional>
#include <rivet/http/handler.hpp>
#include <string>
#include <string_view>

namespace rivet::http {

/// See the header comment.
[[nodiscard]] middleware request_id();

/// See the header comment.
[[nodiscard]] middleware timing();

/// Where access-log lines go; called on the worker that served the request,
/// so it must be quick and thread-safe (or hand the line off).
using log_sink = std::function<void(std::string_view line)>;

/// See the header comment.
[[nodiscard]] middleware access_log(log_sink sink);

struct cors_options {
    std::string allow_origin = "*";
    std::string allow_methods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
    std::string allow_headers = "Content-Type, Authorization";
    int max_age_seconds = 600;
};

/// See the header comment.
[[nodiscard]] middleware cors(cors_options options = {});

}  // namespace rivet::http
