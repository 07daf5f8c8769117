// Router match time with 10, 100 and 1,000 routes, static and parametric.
// Routes look like a real API's: /api/v1/<resource N>/... so that the
// tree has shared prefixes to compress and siblings to choose between.
// Each iteration matches a different route (stride 7), so the tree is not
// all in L1; the paths themselves are packed in one buffer, as a server's
// path sits in the read buffer it has just filled.
#include <benchmark/benchmark.h>

#include <rivet/http/router.hpp>
#include <string>
#include <vector>

namespace {

using namespace rivet::http;

// Views of the paths, packed in `storage`.
std::vector<std::string_view> pack(const std::vector<std::string>& paths, std::string& storage) {
    for (const auto& p : paths) storage += p;
    std::vector<std::string_view> views;
    std::size_t at = 0;
    for (const auto& p : paths) {
        views.emplace_back(storage.data() + at, p.size());
        at += p.size();
    }
    return views;
}

handler noop() {
    return [](request&, response&) -> rivet::runtime::task<void> { co_return; };
}

// Matches `paths` in turn (stride 7) for as long as the benchmark runs.
void match_each(benchmark::State& state, router& r, const std::vector<std::string>& paths) {
    std::string storage;
    std::vector<std::string_view> views = pack(paths, storage);
    path_params params;
    std::size_t i = 0;
    for (auto _ : state) {
        auto m = r.match(method::get, views[i], params);
        benchmark::DoNotOptimize(m);
        i += 7;  // not `% size`: a division on the loop's critical path costs as much as a match
        if (i >= views.size()) i -= views.size();
    }
}

void match_static(benchmark::State& state) {
    auto n = static_cast<int>(state.range(0));
    router r;
    std::vector<std::string> paths;
    for (int i = 0; i < n; ++i) {
        paths.push_back("/api/v1/resource" + std::to_string(i) + "/items");
        r.get(paths.back(), noop());
    }
    match_each(state, r, paths);
}

void match_param(benchmark::State& state) {
    auto n = static_cast<int>(state.range(0));
    router r;
    std::vector<std::string> paths;
    for (int i = 0; i < n; ++i) {
        r.get("/api/v1/resource" + std::to_string(i) + "/:id/items/:item", noop());
        paths.push_back("/api/v1/resource" + std::to_string(i) + "/12345/items/abc");
    }
    match_each(state, r, paths);
}

}  // namespace

BENCHMARK(match_static)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(match_param)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK_MAIN();
