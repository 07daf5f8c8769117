#include "target.hpp"

#include <gtest/gtest.h>

namespace rivet::http::detail {
namespace {

TEST(target, origin_form_splits_path_and_query) {
    target_parts p;
    ASSERT_TRUE(split_target("/a/b?x=1&y", p));
    EXPECT_EQ(p.path, "/a/b");
    EXPECT_EQ(p.query, "x=1&y");
}

TEST(target, absolute_form_drops_the_authority) {
    target_parts p;
    ASSERT_TRUE(split_target("http://example.com:8080/a?q", p));
    EXPECT_EQ(p.path, "/a");
    EXPECT_EQ(p.query, "q");
    ASSERT_TRUE(split_target("http://example.com", p));
    EXPECT_EQ(p.path, "/");
}

TEST(target, other_forms_are_refused) {
    target_parts p;
    EXPECT_FALSE(split_target("a/b", p));
    EXPECT_FALSE(split_target("/a#frag", p));
}

TEST(target, path_without_escapes_is_not_copied) {
    std::string scratch;
    std::string_view path = "/users/42";
    EXPECT_EQ(decode_path(path, scratch).data(), path.data());
}

TEST(target, path_escapes_are_decoded_and_plus_kept) {
    std::string scratch;
    EXPECT_EQ(decode_path("/a%20b/c+d/%C3%A9", scratch), "/a b/c+d/\xC3\xA9");
}

TEST(target, dot_segments_are_removed_after_decoding) {
    std::string scratch;
    EXPECT_EQ(decode_path("/a/./b/../c", scratch), "/a/c");
    EXPECT_EQ(decode_path("/files/%2e%2e/%2E%2E/etc/passwd", scratch), "/etc/passwd");
    EXPECT_EQ(decode_path("/a/b/..", scratch), "/a/");
    EXPECT_EQ(decode_path("/a/b/.", scratch), "/a/b/");
    EXPECT_EQ(decode_path("/..", scratch), "/");
    EXPECT_EQ(decode_path("/../../x", scratch), "/x");
    EXPECT_EQ(decode_path("/a/..b/.c/...", scratch), "/a/..b/.c/...");  // not dot segments
    std::string_view plain = "/.well-known/x";
    EXPECT_EQ(decode_path(plain, scratch).data(), plain.data());
}

TEST(target, malformed_or_nul_escapes_are_refused) {
    std::string scratch;
    EXPECT_TRUE(decode_path("/a%2", scratch).empty());
    EXPECT_TRUE(decode_path("/a%zz", scratch).empty());
    EXPECT_TRUE(decode_path("/a%00", scratch).empty());
}

TEST(target, query_is_decoded_with_plus_as_space) {
    std::vector<query_pair> q;
    std::string scratch;
    parse_query("a=1&name=J%C3%B6rg+M&flag&&empty=&x=%zz", q, scratch);
    ASSERT_EQ(q.size(), 5u);
    EXPECT_EQ(q[0].name, "a");
    EXPECT_EQ(q[0].value, "1");
    EXPECT_EQ(q[1].value, "J\xC3\xB6rg M");
    EXPECT_EQ(q[2].name, "flag");
    EXPECT_EQ(q[2].value, "");
    EXPECT_EQ(q[3].name, "empty");
    EXPECT_EQ(q[4].value, "%zz");
}

}  // namespace
}  // namespace rivet::http::detail
