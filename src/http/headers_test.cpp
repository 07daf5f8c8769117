#include <gtest/gtest.h>

#include <rivet/http/headers.hpp>
#include <rivet/http/response.hpp>
#include <stdexcept>

namespace rivet::http {
namespace {

TEST(header_map, lookup_ignores_case_and_keeps_the_original) {
    header_map h;
    h.add("Content-Type", "application/json");
    h.add("X-Custom-ID", "7");
    h.add("set-cookie", "a=1");
    h.add("Set-Cookie", "b=2");
    EXPECT_EQ(h.get("content-type"), "application/json");
    EXPECT_EQ(h.get("CONTENT-TYPE"), "application/json");
    EXPECT_EQ(h.get("x-custom-id"), "7");
    EXPECT_FALSE(h.get("content-length").has_value());
    EXPECT_EQ(h.count("SET-COOKIE"), 2u);
    EXPECT_EQ(h.get("Set-Cookie"), "a=1");  // the first one
    EXPECT_EQ(h.begin()->name, "Content-Type");
    EXPECT_EQ((h.begin() + 1)->name, "X-Custom-ID");
}

TEST(header_map, iequals_compares_ascii_only) {
    EXPECT_TRUE(iequals("Host", "hOST"));
    EXPECT_FALSE(iequals("Host", "Hosts"));
    EXPECT_FALSE(iequals("a-b", "a_b"));
    EXPECT_FALSE(iequals("\xc3\xa9", "\xc3\x89"));  // no Unicode folding: header names are ASCII
}

TEST(response_headers, set_replaces_every_case_variant_and_add_keeps_them) {
    response r;
    r.add_header("Set-Cookie", "a=1");
    r.add_header("set-cookie", "b=2");
    r.set_header("Cache-Control", "no-store");
    r.set_header("cache-control", "max-age=5");
    EXPECT_EQ(r.header("CACHE-CONTROL"), "max-age=5");
    EXPECT_EQ(r.header("set-cookie"), "a=1");
    r.remove_header("SET-COOKIE");
    EXPECT_FALSE(r.header("Set-Cookie").has_value());
    EXPECT_EQ(r.header("cache-control"), "max-age=5");
}

TEST(response_headers, values_that_would_split_the_response_are_refused) {
    response r;
    EXPECT_THROW(r.set_header("X", "a\r\nInjected: 1"), std::invalid_argument);
    EXPECT_THROW(r.set_header("X\nY", "a"), std::invalid_argument);
    EXPECT_THROW(r.add_header("", "a"), std::invalid_argument);
    EXPECT_THROW(r.add_header("X: Y", "a"), std::invalid_argument);
    EXPECT_THROW(r.add_header("X\tY", "a"), std::invalid_argument);
    EXPECT_THROW(r.set_header("X", std::string_view("a\0b", 3)), std::invalid_argument);
    EXPECT_NO_THROW(r.set_header("X-Ok", "a value, with: colons\tand tabs"));
    EXPECT_FALSE(r.header("X").has_value());
}

TEST(response_body, json_writer_goes_into_the_body_with_its_content_type) {
    response r;
    r.json().begin_object().field("message", "Hello, World!").end_object();
    EXPECT_EQ(r.body(), R"({"message":"Hello, World!"})");
    EXPECT_EQ(r.header("content-type"), "application/json");
}

}  // namespace
}  // namespace rivet::http
