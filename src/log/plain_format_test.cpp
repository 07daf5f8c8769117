#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <rivet/log/detail/plain_format.hpp>
#include <string>

namespace rivet::log::detail {
namespace {

template <class... T>
std::string plain(std::string_view format, const T&... args) {
    fmt::memory_buffer out;
    fmt::format_to(fmt::appender(out), "before|");
    plain_layouts layouts;
    if (!format_plain(layouts.of(format), format, out, args...)) {
        return "gave up: " + fmt::to_string(out);
    }
    return fmt::to_string(out);
}

TEST(format_plain, writes_what_fmt_writes_for_numbers_and_strings) {
    const double doubles[] = {0.0,
                              -0.0,
                              1.5,
                              0.1,
                              1e-7,
                              123456789.125,
                              1e16,
                              1e300,
                              std::numeric_limits<double>::denorm_min(),
                              std::numeric_limits<double>::infinity(),
                              std::nan("")};
    for (double d : doubles) {
        EXPECT_EQ(plain("v={} f={}", d, static_cast<float>(d)),
                  fmt::format("before|v={} f={}", d, static_cast<float>(d)));
    }
    EXPECT_EQ(plain("{}{} {} {} {} {}", std::numeric_limits<int>::min(), 0u,
                    std::numeric_limits<std::uint64_t>::max(), true, 'x', std::string_view("text")),
              fmt::format("before|{}{} {} {} {} {}", std::numeric_limits<int>::min(), 0u,
                          std::numeric_limits<std::uint64_t>::max(), true, 'x', "text"));
}

TEST(format_plain, text_without_fields_and_surplus_arguments) {
    EXPECT_EQ(plain("no fields"), "before|no fields");
    EXPECT_EQ(plain(""), "before|");
    EXPECT_EQ(plain("{} only", 1, 2), "before|1 only");
}

TEST(format_plain, gives_up_on_anything_but_empty_fields_and_leaves_the_buffer) {
    EXPECT_EQ(plain("{:x}", 255), "gave up: before|");
    EXPECT_EQ(plain("{0}", 1), "gave up: before|");
    EXPECT_EQ(plain("a {} {{b}}", 1), "gave up: before|");
    EXPECT_EQ(plain("a {} }}", 1), "gave up: before|");
    EXPECT_EQ(plain("trailing {", 1), "gave up: before|");
}

TEST(format_plain, a_field_value_is_what_fmt_writes) {
    fmt::memory_buffer out;
    append_plain(out, 2.5);
    append_plain(out, std::string_view("|"));
    append_plain(out, -7);
    EXPECT_EQ(fmt::to_string(out), "2.5|-7");
}

TEST(plain_layouts, strings_at_one_address_with_other_lengths_are_told_apart) {
    plain_layouts layouts;
    std::string_view text = "a {} b {{";
    EXPECT_TRUE(layouts.of(text.substr(0, 6)).plain);
    EXPECT_EQ(layouts.of(text.substr(0, 6)).fields, 1);
    EXPECT_FALSE(layouts.of(text).plain);
    EXPECT_EQ(layouts.of(text.substr(0, 1)).fields, 0);
}

}  // namespace
}  // namespace rivet::log::detail
