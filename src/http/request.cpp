#include <rivet/http/request.hpp>

#include "target.hpp"

namespace rivet::http {

const std::vector<query_param>& request::query_params() {
    if (!query_parsed_) {
        detail::parse_query(raw_query_, query_, query_scratch_);
        query_parsed_ = true;
    }
    return query_;
}

std::optional<std::string_view> request::query(std::string_view name) {
    for (const query_param& q : query_params()) {
        if (q.name == name) return q.value;
    }
    return std::nullopt;
}

runtime::task<std::string_view> request::body() {
    if (!body_read_) {
        body_read_ = true;
        if (content_length_) body_.reserve(static_cast<std::size_t>(*content_length_) + 64);
        for (;;) {
            std::size_t old = body_.size();
            std::size_t room = body_.capacity() > old ? body_.capacity() - old : 16384;
            if (room < 64) room = 16384;  // capacity is CL + 64: one read, then the end
            body_.resize(old + room);
            std::size_t n = co_await source_->read_body({body_.data() + old, room});
            body_.resize(old + n);
            if (n == 0) break;
        }
    }
    co_return body_;
}

runtime::task<std::size_t> request::read_body(std::span<char> out) {
    return source_->read_body(out);
}

}  // namespace rivet::http
