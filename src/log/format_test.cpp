#include <gtest/gtest.h>
#include <time.h>

#include <ctime>
#include <rivet/log/pattern.hpp>
#include <string>
#include <vector>

#include "line_layout.hpp"
#include "time_text.hpp"

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

namespace rivet::log::detail {
namespace {

TEST(time_text, the_cached_second_changes_at_the_boundary_and_back) {
    std::string out;
    for (std::int64_t ns : {leap_day_ns - 123'456'790, leap_day_ns - 123'456'789,
                            leap_day_ns + 876'543'211, leap_day_ns - 123'456'790}) {
        append_time(ns, ' ', out);
        out += '|';
    }
    append_time(leap_day_ns, 'T', out);
    EXPECT_EQ(out,
              "2024-02-29 13:45:06.999999|2024-02-29 13:45:07.000000|"
              "2024-02-29 13:45:08.000000|2024-02-29 13:45:06.999999|"
              "2024-02-29T13:45:07.123456");
}

TEST(time_text, dates_agree_with_gmtime_from_1900_to_2250) {
    // Every 1,000,003 s (11.6 days, so every day of the month and the
    // hours move), plus the days around 2000-02-29 and 2100-02-28.
    std::vector<std::int64_t> seconds;
    for (std::int64_t sec = -2'208'988'800; sec < 8'835'955'200; sec += 1'000'003) {
        seconds.push_back(sec);
    }
    for (std::int64_t day : {11'016, 11'017, 11'018, 47'540, 47'541, 47'542}) {
        seconds.push_back(day * 86400 + 86399);
    }
    for (std::int64_t sec : seconds) {
        time_t t = static_cast<time_t>(sec);
        tm parts{};
        gmtime_r(&t, &parts);
        char expected[64];
        std::strftime(expected, sizeof expected, "%Y-%m-%d %H:%M:%S.000000", &parts);
        std::string got;
        append_time(sec * 1'000'000'000, ' ', got);
        ASSERT_EQ(got, expected) << sec;
    }
}

TEST(line_layout, writes_what_the_pattern_writes_as_the_origin_changes) {
    lg::pattern p(
        "{time} {LEVEL} [{thread}] [{task}] {logger} {source} {function}: {message}{fields}");
    line_layout layout(p);
    auto check = [&](const lg::record& rec) {
        std::string expected = "x", got = "x";
        p.format(rec, expected);
        layout.append(rec, got);
        EXPECT_EQ(got, expected);
    };
    std::vector<lg::field_view> fields{{"k", "v", lg::json_kind::string}};
    std::string file = "/src/app/server.cpp";
    lg::record r = sample({}, fields);
    r.file = file;
    check(r);
    r.message = "same origin, new message";
    r.time_ns += 1'000'000'000;
    check(r);
    for (int change = 0; change < 7; ++change) {
        lg::record c = r;
        switch (change) {
            case 0:
                c.level = lg::level::error;
                break;
            case 1:
                c.thread_id = 7;
                break;
            case 2:
                c.task = {};
                break;
            case 3:
                c.logger = "db";
                break;
            case 4:
                c.line = 88;
                break;
            case 5:
                c.function = "void other()";
                break;
            case 6:
                file = "/src/app/client.cpp";
                break;  // the same view, new text
        }
        check(c);
        check(r);
    }
}

}  // namespace
}  // namespace rivet::log::detail
