#include <gtest/gtest.h>

#include <rivet/log/pattern.hpp>
#include <string>
#include <vector>

namespace lg = rivet::log;

namespace {

// 2024-02-29 13:45:07.123456789 UTC
constexpr std::int64_t leap_day_ns = 1709214307123456789;

lg::record sample(const std::vector<lg::field_view>& context,
                  const std::vector<lg::field_view>& fields) {
    lg::record r;
    r.time_ns = leap_day_ns;
    r.level = lg::level::warn;
    r.thread_id = 4242;
    r.task = "handler";
    r.logger = "http";
    r.file = "/src/app/server.cpp";
    r.line = 87;
    r.function = "void serve()";
    r.message = "slow request";
    r.context = context;
    r.fields = fields;
    return r;
}

TEST(pattern, the_default_layout_has_every_part) {
    std::vector<lg::field_view> ctx{{"request_id", "r-1", lg::json_kind::string}};
    std::vector<lg::field_view> fields{{"ms", "812.5", lg::json_kind::number}};
    std::string out;
    lg::pattern().format(sample(ctx, fields), out);
    EXPECT_EQ(out,
              "2024-02-29 13:45:07.123456 warn [4242] [handler] http server.cpp:87: slow request "
              "request_id=r-1 ms=812.5");
}

TEST(pattern, placeholders_braces_and_unknown_names) {
    std::string out;
    lg::pattern("{{{LEVEL}}} {function} {nope} {task}|{fields}|").format(sample({}, {}), out);
    EXPECT_EQ(out, "{WARN} void serve() {nope} handler||");
}

TEST(pattern, outside_a_task_the_task_is_a_dash) {
    auto r = sample({}, {});
    r.task = {};
    std::string out;
    lg::pattern("[{task}]").format(r, out);
    EXPECT_EQ(out, "[-]");
}

TEST(json, a_record_is_one_object_with_typed_fields) {
    std::vector<lg::field_view> ctx{{"request_id", "r-1", lg::json_kind::string}};
    std::vector<lg::field_view> fields{{"ms", "812.5", lg::json_kind::number},
                                       {"ok", "false", lg::json_kind::boolean},
                                       {"ratio", "inf", lg::json_kind::number},
                                       {"note", "say \"hi\"\n\x01", lg::json_kind::string}};
    std::string out;
    lg::format_json(sample(ctx, fields), out);
    EXPECT_EQ(out, R"({"time":"2024-02-29T13:45:07.123456Z","level":"warn","thread":4242,)"
                   R"("task":"handler","logger":"http","file":"/src/app/server.cpp","line":87,)"
                   R"("message":"slow request","request_id":"r-1","ms":812.5,"ok":false,)"
                   R"("ratio":"inf","note":"say \"hi\"\n\u0001"})");
}

TEST(level, names_round_trip) {
    for (auto l : {lg::level::trace, lg::level::debug, lg::level::info, lg::level::warn,
                   lg::level::error, lg::level::critical, lg::level::off}) {
        EXPECT_EQ(lg::parse_level(lg::to_string(l)), l);
    }
    EXPECT_FALSE(lg::parse_level("verbose").has_value());
}

}  // namespace
