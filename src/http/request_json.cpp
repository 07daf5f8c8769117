// Everything that includes simdjson (a large header) is in this file.
#include <simdjson.h>

#include <rivet/http/error.hpp>
#include <rivet/http/request.hpp>

#include "connection.hpp"

namespace rivet::http {

runtime::task<simdjson::dom::element> request::json() {
    std::string_view text = co_await body();
    // simdjson reads up to SIMDJSON_PADDING bytes past the end; having that
    // much capacity spares it a padded copy.
    if (body_.capacity() < body_.size() + simdjson::SIMDJSON_PADDING) {
        body_.reserve(body_.size() + simdjson::SIMDJSON_PADDING);
        text = body_;
    }
    co_return source_->parse_json(text);
}

namespace detail {

void destroy_json_parser(simdjson::dom::parser* p) noexcept { delete p; }

simdjson::dom::element connection::parse_json(std::string_view text) {
    if (!json_) json_.reset(new simdjson::dom::parser());
    auto result = json_->parse(text.data(), text.size(), false);
    if (result.error() != simdjson::SUCCESS) {
        throw http_error(400,
                         std::string("invalid JSON: ") + simdjson::error_message(result.error()));
    }
    return result.value_unsafe();
}

}  // namespace detail
}  // namespace rivet::http
