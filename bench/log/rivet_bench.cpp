// rivet's logger in the log suite (see bench_common.hpp): asynchronous, the
// suite's text pattern, one file sink, overflow policy block.
#include <rivet/log/logger.hpp>

#include "bench_common.hpp"

namespace lg = rivet::log;

int main(int argc, char** argv) {
    if (argc < 5) return 2;
    // Latency: rings big enough that a burst does not wait on the backend
    // (the spdlog run gets a queue of the same depth in messages).
    if (std::string(argv[1]) == "latency") lg::configure({.ring_bytes = 8 << 20});
    auto file = lg::file_sink(
        argv[4], lg::pattern("{time} {level} [{thread}] {logger} {source}: {message}"));
    auto& log = lg::make_logger("bench", {.sinks = {file}});
    bench::logger_under_test lut{
        [&log](int i) { RIVET_LOG_INFO(log, "message {} with value {}", i, i * 1.5); },
        [] { lg::flush(); }};
    return bench::run(argc, argv, lut);
}
