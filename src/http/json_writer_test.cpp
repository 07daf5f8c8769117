#include <gtest/gtest.h>

#include <limits>
#include <rivet/http/json.hpp>
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

TEST(json_writer, a_parsed_document_is_written_back_as_minify_writes_it) {
    simdjson::dom::parser parser;
    std::string text = R"( { "id" : 12345, "big": 18446744073709551615, "neg": -7, "pi": 2.5,
        "s": "quote \" slash \\ tab \t nl \n u \u00e9 ctl \u0001",
        "t": true, "f": false, "n": null, "a": [ 1, [ ], { }, [ "x", { "k": [ null ] } ] ] } )";
    simdjson::dom::element doc = parser.parse(text);
    std::string out;
    write_json(json_writer(out), doc);
    EXPECT_EQ(out, simdjson::minify(doc));
    EXPECT_EQ(out, R"({"id":12345,"big":18446744073709551615,"neg":-7,"pi":2.5,)"
                   "\"s\":\"quote \\\" slash \\\\ tab \\t nl \\n u \xC3\xA9 ctl \\u0001\","
                   R"("t":true,"f":false,"n":null,"a":[1,[],{},["x",{"k":[null]}]]})");
}

TEST(json_writer, an_element_is_one_value_among_others) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(std::string(R"({"a":[1,2]})"));
    std::string out;
    json_writer w(out);
    w.begin_object().key("copy");
    write_json(w, doc["a"]);
    w.field("after", 3).end_object();
    EXPECT_EQ(out, R"({"copy":[1,2],"after":3})");
}

}  // namespace
}  // namespace rivet::http
