#include <gtest/gtest.h>

#include <rivet/http/response.hpp>
#include <stdexcept>

namespace rivet::http {
namespace {

TEST(response, headers_that_frame_the_message_are_refused_in_any_case) {
    response res;
    EXPECT_THROW(res.set_header("Content-Length", "1234"), std::invalid_argument);
    EXPECT_THROW(res.add_header("transfer-encoding", "chunked"), std::invalid_argument);
    EXPECT_THROW(res.set_header("CONNECTION", "close"), std::invalid_argument);
    EXPECT_NO_THROW(res.set_header("Content-Type", "text/plain"));
    EXPECT_NO_THROW(res.add_header("Connection-Id", "7"));
}

TEST(response, a_header_that_could_split_the_response_is_refused) {
    response res;
    EXPECT_THROW(res.set_header("X", "a\r\nSet-Cookie: b"), std::invalid_argument);
    EXPECT_THROW(res.set_header("", "a"), std::invalid_argument);
}

}  // namespace
}  // namespace rivet::http
