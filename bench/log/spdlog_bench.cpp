// spdlog 1.10 in the log suite (see bench_common.hpp), configured as its
// documentation recommends for speed: a basic_file_sink_mt; `async` uses
// spdlog's thread pool with one worker and overflow policy block (8192
// queue slots, the default; 65536 for the latency case, as rivet's ring).
//
//   spdlog_bench sync|async MODE THREADS N PATH
#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include "bench_common.hpp"

int main(int argc, char** argv) {
    if (argc < 6) return 2;
    bool async = std::string(argv[1]) == "async";
    std::string mode = argv[2];
    std::shared_ptr<spdlog::logger> log;
    if (async) {
        spdlog::init_thread_pool(mode == "latency" ? 65536 : 8192, 1);
        log = spdlog::basic_logger_mt<spdlog::async_factory>("bench", argv[5], true);
    } else {
        log = spdlog::basic_logger_mt("bench", argv[5], true);
    }
    log->set_pattern("%Y-%m-%d %H:%M:%S.%f %l [%t] %n %s:%#: %v");
    bench::logger_under_test lut{
        [&log](int i) { SPDLOG_LOGGER_INFO(log, "message {} with value {}", i, i * 1.5); },
        [&log] { log->flush(); }};
    int rc = bench::run(argc - 1, argv + 1, lut);
    spdlog::shutdown();
    return rc;
}
