#include <gtest/gtest.h>

#include <rivet/http/router.hpp>
#include <string>

namespace rivet::http {
namespace {

handler noop() {
    return [](request&, response&) -> runtime::task<void> { co_return; };
}

// The pattern of the route matched for `m path`, or "404"/"405 <allow>".
std::string which(const router& r, method m, std::string_view path, path_params* out = nullptr) {
    path_params params;
    route_match found = r.match(m, path, params);
    if (out) *out = params;
    switch (found.kind) {
        case route_match::found:
            return found.target->pattern;
        case route_match::not_found:
            return "404";
        default:
            return "405 " + std::string(found.allow);
    }
}

TEST(router, static_beats_param_beats_wildcard_in_any_registration_order) {
    for (int order = 0; order < 2; ++order) {
        router r;
        if (order == 0) {
            r.get("/users/*rest", noop()).get("/users/:id", noop()).get("/users/new", noop());
        } else {
            r.get("/users/new", noop()).get("/users/:id", noop()).get("/users/*rest", noop());
        }
        EXPECT_EQ(which(r, method::get, "/users/new"), "/users/new");
        EXPECT_EQ(which(r, method::get, "/users/newer"), "/users/:id");
        EXPECT_EQ(which(r, method::get, "/users/42"), "/users/:id");
        EXPECT_EQ(which(r, method::get, "/users/42/x"), "/users/*rest");
        EXPECT_EQ(which(r, method::get, "/users/"), "/users/*rest");
    }
}

TEST(router, backtracks_from_a_static_dead_end_to_a_parameter) {
    router r;
    r.get("/users/new", noop()).get("/users/:id/posts", noop());
    path_params p;
    EXPECT_EQ(which(r, method::get, "/users/new/posts", &p), "/users/:id/posts");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p.get("id"), "new");
}

TEST(router, captures_parameters_and_wildcard_as_views_of_the_path) {
    router r;
    r.get("/orgs/:org/repos/:repo/files/*path", noop());
    std::string path = "/orgs/rivet/repos/core/files/src/http/router.cpp";
    path_params p;
    EXPECT_EQ(which(r, method::get, path, &p), "/orgs/:org/repos/:repo/files/*path");
    EXPECT_EQ(p.get("org"), "rivet");
    EXPECT_EQ(p.get("repo"), "core");
    EXPECT_EQ(p.get("path"), "src/http/router.cpp");
    EXPECT_GE(p.get("path")->data(), path.data());
    EXPECT_LT(p.get("path")->data(), path.data() + path.size());
}

TEST(router, empty_segment_does_not_match_a_parameter) {
    router r;
    r.get("/users/:id", noop());
    EXPECT_EQ(which(r, method::get, "/users/"), "404");
    EXPECT_EQ(which(r, method::get, "/users"), "404");
}

TEST(router, unknown_path_is_404_and_wrong_method_is_405_with_allow) {
    router r;
    r.get("/items", noop()).post("/items", noop()).del("/items/:id", noop());
    EXPECT_EQ(which(r, method::get, "/nope"), "404");
    EXPECT_EQ(which(r, method::put, "/items"), "405 GET, HEAD, POST, OPTIONS");
    EXPECT_EQ(which(r, method::get, "/items/3"), "405 DELETE, OPTIONS");
}

TEST(router, head_is_answered_by_get_unless_it_has_its_own) {
    router r;
    r.get("/a", noop()).get("/b", noop()).head("/b", noop());
    EXPECT_EQ(which(r, method::head, "/a"), "/a");
    path_params p;
    route_match m = r.match(method::head, "/b", p);
    ASSERT_EQ(m.kind, route_match::found);
    EXPECT_EQ(m.target->method, method::head);
}

TEST(router, less_specific_route_with_the_method_beats_405) {
    router r;
    r.post("/users/new", noop()).get("/users/:id", noop());
    EXPECT_EQ(which(r, method::get, "/users/new"), "/users/:id");
    EXPECT_EQ(which(r, method::put, "/users/new"), "405 POST, OPTIONS");
}

TEST(router, duplicate_route_is_rejected_naming_both) {
    router r;
    r.get("/a/:id", noop());
    try {
        r.get("/a/:id", noop());
        FAIL() << "no conflict";
    } catch (const route_conflict& e) {
        EXPECT_STREQ(e.what(), "route GET /a/:id conflicts with GET /a/:id: already registered");
    }
}

TEST(router, different_parameter_names_at_one_place_are_rejected_naming_both) {
    router r;
    r.get("/a/:id/x", noop());
    try {
        r.del("/a/:name", noop());
        FAIL() << "no conflict";
    } catch (const route_conflict& e) {
        EXPECT_NE(std::string(e.what()).find("DELETE /a/:name"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("GET /a/:id/x"), std::string::npos) << e.what();
    }
    EXPECT_THROW(r.get("/w/*a", noop()).get("/w/*b", noop()), route_conflict);
}

TEST(router, malformed_patterns_are_rejected) {
    router r;
    EXPECT_THROW(r.get("a", noop()), std::invalid_argument);
    EXPECT_THROW(r.get("/a:id", noop()), std::invalid_argument);
    EXPECT_THROW(r.get("/a/:id.json", noop()), std::invalid_argument);
    EXPECT_THROW(r.get("/a/*rest/x", noop()), std::invalid_argument);
    EXPECT_THROW(r.get("/a/:", noop()), std::invalid_argument);
}

TEST(router, same_pattern_for_several_methods_coexists) {
    router r;
    r.get("/x", noop()).post("/x", noop()).put("/x", noop());
    EXPECT_EQ(r.size(), 3u);
    EXPECT_EQ(which(r, method::put, "/x"), "/x");
}

TEST(router, radix_splits_keep_every_static_route_reachable) {
    router r;
    const char* paths[] = {"/", "/a", "/ab", "/abc", "/abd", "/b/c", "/abcd/e", "/search", "/se"};
    for (const char* p : paths) r.get(p, noop());
    for (const char* p : paths) EXPECT_EQ(which(r, method::get, p), p);
    EXPECT_EQ(which(r, method::get, "/abce"), "404");
    EXPECT_EQ(which(r, method::get, "/s"), "404");
}

TEST(router, wide_fan_out_finds_every_child_and_only_those) {
    router r;
    const std::string firsts = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (char c : firsts) r.get("/k/" + std::string(1, c) + "/v", noop());
    for (char c : firsts) {
        std::string path = "/k/" + std::string(1, c) + "/v";
        EXPECT_EQ(which(r, method::get, path), path);
    }
    for (const char* path : {"/k/A/v", "/k/-/v", "/k/~/v", "/k//v", "/k/0/w"}) {
        EXPECT_EQ(which(r, method::get, path), "404") << path;
    }
}

TEST(router, long_static_text_must_match_in_every_byte) {
    router r;
    r.get("/abcdefghijklmnopqrstu", noop()).get("/abcdefghij/:id", noop());
    EXPECT_EQ(which(r, method::get, "/abcdefghijklmnopqrstu"), "/abcdefghijklmnopqrstu");
    EXPECT_EQ(which(r, method::get, "/abcdefghijklmnopqrstX"), "404");
    EXPECT_EQ(which(r, method::get, "/abcdefghijklmXopqrstu"), "404");
    EXPECT_EQ(which(r, method::get, "/abcdefghijklmnopqrst"), "404");
    EXPECT_EQ(which(r, method::get, "/abcdefghij/7"), "/abcdefghij/:id");
    EXPECT_EQ(which(r, method::get, "/abcdefghiX/7"), "404");
}

TEST(router, routes_registered_after_a_match_are_found) {
    router r;
    r.get("/a", noop());
    EXPECT_EQ(which(r, method::get, "/b"), "404");
    r.get("/b", noop()).post("/a", noop());
    EXPECT_EQ(which(r, method::get, "/b"), "/b");
    path_params p;
    EXPECT_EQ(r.match(method::post, "/a", p).target->method, method::post);
}

TEST(router, groups_prefix_patterns_and_carry_their_middleware) {
    router r;
    middleware outer = [](request&, response&, next_fn next) -> runtime::task<void> {
        co_await next();
    };
    auto api = r.group("/api", {outer});
    api.get("/", noop()).get("/users/:id", noop());
    auto v2 = api.group("/v2");
    v2.use(outer).get("/users", noop());
    path_params p;
    route_match m = r.match(method::get, "/api/v2/users", p);
    ASSERT_EQ(m.kind, route_match::found);
    EXPECT_EQ(m.target->pattern, "/api/v2/users");
    EXPECT_EQ(m.target->chain.size(), 2u);
    EXPECT_EQ(which(r, method::get, "/api"), "/api");
    EXPECT_EQ(which(r, method::get, "/api/users/7"), "/api/users/:id");
}

}  // namespace
}  // namespace rivet::http
