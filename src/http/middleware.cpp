#include <charconv>
#include <chrono>
#include <cstdint>
#include <random>
#include <rivet/http/middleware.hpp>
#include <rivet/http/request.hpp>
#include <rivet/http/response.hpp>

namespace rivet::http {

namespace {

using steady = std::chrono::steady_clock;

bool plain_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        if (!ok) return false;
    }
    return true;
}

// 16 hex digits from a per-thread splitmix64 stream seeded once from the
// system: unique enough to correlate logs, no lock, no syscall per request.
std::string new_id() {
    thread_local std::uint64_t state = [] {
        std::random_device seed;
        return (static_cast<std::uint64_t>(seed()) << 32) ^ seed();
    }();
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    std::string id(16, '0');
    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i, z >>= 4) id[static_cast<std::size_t>(i)] = hex[z & 15];
    return id;
}

}  // namespace

middleware request_id() {
    return [](request& req, response& res, next_fn next) -> runtime::task<void> {
        std::optional<std::string_view> given = req.header("X-Request-Id");
        req.set_id(given && plain_id(*given) ? std::string(*given) : new_id());
        res.set_header("X-Request-Id", req.id());
        co_await next();
    };
}

middleware timing() {
    return [](request&, response& res, next_fn next) -> runtime::task<void> {
        auto start = steady::now();
        co_await next();
        double ms = std::chrono::duration<double, std::milli>(steady::now() - start).count();
        char text[48] = "app;dur=";
        auto [end, ec] =
            std::to_chars(text + 8, text + sizeof text, ms, std::chars_format::fixed, 3);
        if (!res.streaming()) res.set_header("Server-Timing", std::string_view(text, end));
    };
}

middleware access_log(log_sink sink) {
    return [sink = std::move(sink)](request& req, response& res,
                                    next_fn next) -> runtime::task<void> {
        auto start = steady::now();
        bool failed = true;
        struct logged {  // logs on the way out, also when the chain throws
            const log_sink& sink;
            request& req;
            response& res;
            steady::time_point start;
            bool& failed;
            ~logged() {
                try {
                    auto us =
                        std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - start)
                            .count();
                    std::string line = req.peer().to_string();
                    line.append(" \"").append(req.method_name()).append(" ");
                    line.append(req.target()).append(" HTTP/1.");
                    line.append(std::to_string(req.version_minor())).append("\" ");
                    line.append(failed ? std::string("error") : std::to_string(res.status()));
                    line.append(" ").append(std::to_string(res.body().size())).append(" ");
                    line.append(std::to_string(us)).append("us id=").append(req.id());
                    sink(line);
                } catch (...) {  // a log line is never worth a failed request
                }
            }
        } log{sink, req, res, start, failed};
        co_await next();
        failed = false;
    };
}

middleware cors(cors_options options) {
    return [o = std::move(options)](request& req, response& res,
                                    next_fn next) -> runtime::task<void> {
        std::optional<std::string_view> origin = req.header("Origin");
        if (!origin) {
            co_await next();
            co_return;
        }
        res.set_header("Access-Control-Allow-Origin", o.allow_origin == "*" ? "*" : o.allow_origin);
        if (o.allow_origin != "*") res.add_header("Vary", "Origin");
        if (req.method() == method::options && req.header("Access-Control-Request-Method")) {
            res.set_status(204);
            res.set_header("Access-Control-Allow-Methods", o.allow_methods);
            res.set_header("Access-Control-Allow-Headers", o.allow_headers);
            res.set_header("Access-Control-Max-Age", std::to_string(o.max_age_seconds));
            co_return;
        }
        co_await next();
    };
}

}  // namespace rivet::http
