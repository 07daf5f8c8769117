#include <gtest/gtest.h>

#include <limits>
#include <rivet/http/json_writer.hpp>

namespace rivet::http {
namespace {

TEST(json_writer, nested_objects_and_arrays_get_commas_in_the_right_places) {
    std::string out;
    json_writer w(out);
    w.begin_object()
        .field("id", 12345)
        .field("name", "test_item")
        .field("active", true)
        .key("tags")
        .begin_array()
        .value("a")
        .value(nullptr)
        .begin_object()
        .end_object()
        .end_array()
        .key("empty")
        .begin_array()
        .end_array()
        .end_object();
    EXPECT_EQ(out,
              R"({"id":12345,"name":"test_item","active":true,"tags":["a",null,{}],"empty":[]})");
}

TEST(json_writer, strings_are_escaped) {
    std::string out;
    json_writer(out).value(std::string_view("q\"b\\n\n\t\x01\x1f\xc3\xa9", 11));
    EXPECT_EQ(out, "\"q\\\"b\\\\n\\n\\t\\u0001\\u001f\xc3\xa9\"");
}

TEST(json_writer, numbers_round_trip_and_non_finite_is_null) {
    std::string out;
    json_writer w(out);
    w.begin_array()
        .value(0.1)
        .value(-3)
        .value(std::numeric_limits<std::uint64_t>::max())
        .value(std::numeric_limits<double>::quiet_NaN())
        .end_array();
    EXPECT_EQ(out, "[0.1,-3,18446744073709551615,null]");
}

}  // namespace
}  // namespace rivet::http
