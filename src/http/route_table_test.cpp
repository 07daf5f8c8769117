// The matching table against the router's rules, written out plainly: for
// random route sets and paths, router::match must give what a direct
// reading of router.hpp gives. Among the patterns that match the path, the
// walk's order is the lexicographic order of their pieces, a static byte
// before a parameter before a wildcard, a pattern before its extensions; the
// first that has the method wins, else the first's Allow (405), else 404.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <rivet/http/router.hpp>
#include <string>
#include <vector>

namespace rivet::http {
namespace {

handler noop() {
    return [](request&, response&) -> runtime::task<void> { co_return; };
}

struct piece {
    enum kind_t { byte, param, wildcard } kind;
    char c = 0;        // byte
    std::string name;  // param, wildcard
};

std::vector<piece> pieces_of(const std::string& pattern) {
    std::vector<piece> out;
    for (std::size_t i = 0; i < pattern.size();) {
        if (pattern[i] == ':' || pattern[i] == '*') {
            std::size_t end = pattern.find('/', i);
            if (end == std::string::npos) end = pattern.size();
            out.push_back({pattern[i] == ':' ? piece::param : piece::wildcard, 0,
                           pattern.substr(i + 1, end - i - 1)});
            i = end;
        } else {
            out.push_back({piece::byte, pattern[i++], {}});
        }
    }
    return out;
}

using captures = std::vector<std::pair<std::string, std::string>>;

std::optional<captures> match_pattern(const std::vector<piece>& ps, std::string_view path) {
    captures out;
    std::size_t at = 0;
    for (const piece& p : ps) {
        if (p.kind == piece::byte) {
            if (at >= path.size() || path[at] != p.c) return std::nullopt;
            ++at;
        } else if (p.kind == piece::param) {
            std::size_t end = path.find('/', at);
            if (end == std::string_view::npos) end = path.size();
            if (end == at) return std::nullopt;
            out.emplace_back(p.name, std::string(path.substr(at, end - at)));
            at = end;
        } else {
            out.emplace_back(p.name, std::string(path.substr(at)));
            at = path.size();
        }
    }
    if (at != path.size()) return std::nullopt;
    return out;
}

bool before(const std::vector<piece>& a, const std::vector<piece>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (a[i].kind != b[i].kind) return a[i].kind < b[i].kind;
    }
    return a.size() < b.size();
}

struct reference_route {
    std::string pattern;
    std::vector<piece> pieces;
    std::vector<method> methods;
};

std::string allow_of(const std::vector<method>& ms) {
    std::string out;
    for (std::size_t k = 0; k < method_count; ++k) {
        const auto m = static_cast<method>(k);
        bool has =
            std::find(ms.begin(), ms.end(), m) != ms.end() ||
            (m == method::head && std::find(ms.begin(), ms.end(), method::get) != ms.end()) ||
            m == method::options;
        if (!has) continue;
        if (!out.empty()) out += ", ";
        out += to_string(m);
    }
    return out;
}

// What router::match must answer: "<pattern> name=value ...", "405 <allow>" or "404".
std::string expected(const std::vector<reference_route>& routes, method m, std::string_view path) {
    std::vector<std::pair<const reference_route*, captures>> matching;
    for (const auto& r : routes) {
        if (auto c = match_pattern(r.pieces, path)) matching.emplace_back(&r, std::move(*c));
    }
    std::sort(matching.begin(), matching.end(), [](const auto& a, const auto& b) {
        return before(a.first->pieces, b.first->pieces);
    });
    for (const auto& [r, c] : matching) {
        const auto& ms = r->methods;
        bool has = std::find(ms.begin(), ms.end(), m) != ms.end() ||
                   (m == method::head && std::find(ms.begin(), ms.end(), method::get) != ms.end());
        if (!has) continue;
        std::string out = r->pattern;
        for (const auto& [name, value] : c) out += " " + name + "=" + value;
        return out;
    }
    if (!matching.empty()) return "405 " + allow_of(matching.front().first->methods);
    return "404";
}

std::string actual(const router& r, method m, std::string_view path) {
    path_params params;
    route_match found = r.match(m, path, params);
    if (found.kind == route_match::not_found) return "404";
    if (found.kind == route_match::method_not_allowed) return "405 " + std::string(found.allow);
    std::string out = found.target->pattern;
    for (std::size_t i = 0; i < params.size(); ++i) {
        // Appended piece by piece: GCC 12's -Wrestrict misreads `" " + std::string(...)` at -O3.
        out.append(" ").append(params[i].first).append("=").append(params[i].second);
    }
    return out;
}

// Registers `count` random routes on `r` (those the router refuses as
// conflicts are left out of the reference too) and checks `probes` paths.
void check_random_routes(std::uint32_t seed, int count, int probes, std::string_view long_text) {
    std::mt19937 rng(seed);
    auto pick = [&](auto& from) -> decltype(from[0]) {
        return from[std::uniform_int_distribution<std::size_t>(0, std::size(from) - 1)(rng)];
    };
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
    const std::vector<std::string> statics = {"a", "b",  "ab",  "abc", "users",
                                              "u", "v1", "new", "",    std::string(long_text)};
    const std::vector<std::string> names = {"id", "name", "x"};
    const method methods[] = {method::get, method::post, method::put, method::head};

    router r;
    std::vector<reference_route> routes;
    std::vector<std::string> patterns;
    for (int i = 0; i < count; ++i) {
        std::string pattern;
        const int segments = std::uniform_int_distribution<int>(1, 5)(rng);
        for (int s = 0; s < segments; ++s) {
            pattern += '/';
            if (s + 1 == segments && chance(0.15)) {
                pattern += "*" + pick(names);
            } else if (chance(0.35)) {
                pattern += ":" + pick(names);
            } else {
                pattern += pick(statics);
            }
        }
        const method m = pick(methods);
        try {
            r.add(m, pattern, noop());
        } catch (const route_conflict&) {
            continue;
        }
        auto same = std::find_if(routes.begin(), routes.end(),
                                 [&](const auto& x) { return x.pattern == pattern; });
        if (same == routes.end()) {
            routes.push_back({pattern, pieces_of(pattern), {}});
            same = routes.end() - 1;
        }
        same->methods.push_back(m);
        patterns.push_back(pattern);
    }
    ASSERT_FALSE(patterns.empty());
    // Values of every length class the scans treat apart: under 8 bytes,
    // 8 to 15, 16 and more (one SSE2 compare does not reach the '/'), past 64.
    const std::vector<std::string> values = {"a",
                                             "b",
                                             "ab",
                                             "new",
                                             "users",
                                             "42",
                                             "u",
                                             "",
                                             "v1234567",
                                             std::string(21, 'v'),
                                             std::string(70, 'w')};
    for (int i = 0; i < probes; ++i) {
        // A path made from a pattern (so that most probes match something),
        // with parameters filled in and sometimes a piece changed.
        std::string path;
        for (const piece& p : pieces_of(pick(patterns))) {
            if (p.kind == piece::byte) {
                path += chance(0.02) ? 'b' : p.c;
            } else if (p.kind == piece::param) {
                path += pick(values);
            } else {
                for (int k = std::uniform_int_distribution<int>(0, 3)(rng); k > 0; --k) {
                    path += pick(values) + "/";
                }
            }
        }
        if (chance(0.1)) path += "/" + pick(values);
        if (chance(0.05) && !path.empty()) path.pop_back();
        const method m = pick(methods);
        ASSERT_EQ(actual(r, m, path), expected(routes, m, path))
            << "seed " << seed << ", " << to_string(m) << " " << path;
    }
}

TEST(route_table, random_routes_match_as_the_rules_say) {
    for (std::uint32_t seed = 1; seed <= 40; ++seed) check_random_routes(seed, 30, 400, "ab");
}

TEST(route_table, random_routes_with_prefixes_past_64_bytes_match_as_the_rules_say) {
    // Anchors (static prefixes before a capture) longer than one 64-byte
    // block of the '/' scan, and paths that span several blocks.
    const std::string long_text(70, 'k');
    for (std::uint32_t seed = 1; seed <= 20; ++seed) check_random_routes(seed, 30, 300, long_text);
}

TEST(route_table, random_routes_with_a_prefix_past_the_length_window_match_as_the_rules_say) {
    // A static prefix before a capture longer than path_index::length_window
    // (256): the table walks from the root instead of jumping.
    const std::string long_text(300, 'k');
    for (std::uint32_t seed = 1; seed <= 20; ++seed) check_random_routes(seed, 30, 300, long_text);
}

TEST(route_table, random_routes_whose_programs_do_not_fit_their_slot_match_as_the_rules_say) {
    // A 40-byte text makes many anchors' key and program too long for one
    // slot (the program is kept apart), or the key itself (kept apart too).
    const std::string long_text(40, 'k');
    for (std::uint32_t seed = 1; seed <= 20; ++seed) check_random_routes(seed, 30, 300, long_text);
}

TEST(route_table, more_capture_names_than_programs_can_index_still_match) {
    // Programs index at most 127 names; the routes past them are walked.
    router r;
    for (int i = 0; i < 200; ++i) {
        const std::string n = std::to_string(i);
        r.get("/r" + n + "/:p" + n + "/items/:q" + n, noop());
    }
    for (int i = 0; i < 200; ++i) {
        const std::string n = std::to_string(i);
        EXPECT_EQ(actual(r, method::get, "/r" + n + "/7/items/x"),
                  "/r" + n + "/:p" + n + "/items/:q" + n + " p" + n + "=7 q" + n + "=x");
    }
}

TEST(route_table, segments_end_alike_in_paths_shorter_than_64_bytes_and_longer) {
    // Under 64 bytes a segment's end is a bit scan of the whole path's '/'
    // bits; from 64 on it is searched for: around the boundary both must
    // end segments at the same places.
    router r;
    r.get("/a/:x/b/:y", noop()).get("/a/:x/*rest", noop());
    for (std::size_t total = 58; total <= 70; ++total) {
        const std::string y(total - 8, 'y');
        const std::string path = "/a/xx/b/" + y;
        ASSERT_EQ(path.size(), total);
        EXPECT_EQ(actual(r, method::get, path), "/a/:x/b/:y x=xx y=" + y);
        EXPECT_EQ(actual(r, method::get, path + "/"), "/a/:x/*rest x=xx rest=b/" + y + "/");
    }
}

TEST(route_table, a_program_leaf_answers_head_with_get_and_405_with_its_allow) {
    router r;
    r.get("/u/:id/items/:item", noop()).post("/v/:id/items/:item", noop());
    EXPECT_EQ(actual(r, method::head, "/u/1/items/2"), "/u/:id/items/:item id=1 item=2");
    EXPECT_EQ(actual(r, method::put, "/u/1/items/2"), "405 GET, HEAD, OPTIONS");
    EXPECT_EQ(actual(r, method::get, "/v/1/items/2"), "405 POST, OPTIONS");
    EXPECT_EQ(actual(r, method::post, "/v/1/items/2"), "/v/:id/items/:item id=1 item=2");
}

TEST(route_table, a_parameter_route_is_found_from_the_longest_matching_prefix) {
    router r;
    r.get("/a/:x", noop()).get("/a/b/:y", noop()).get("/a/b/c/:z/*rest", noop());
    EXPECT_EQ(actual(r, method::get, "/a/b/c/1/2/3"), "/a/b/c/:z/*rest z=1 rest=2/3");
    EXPECT_EQ(actual(r, method::get, "/a/b/c/1/"), "/a/b/c/:z/*rest z=1 rest=");
    EXPECT_EQ(actual(r, method::get, "/a/b/c/1"), "404");
    EXPECT_EQ(actual(r, method::get, "/a/b/c"), "/a/b/:y y=c");
    EXPECT_EQ(actual(r, method::get, "/a/b"), "/a/:x x=b");
    EXPECT_EQ(actual(r, method::get, "/a/b/c/"), "404");
}

}  // namespace
}  // namespace rivet::http
