// A program log_test starts: it logs, then ends the way it is told, so the
// test can check what reached the file from outside the process.
//
//   log_test_child abort PATH N      N lines (async), then abort()
//   log_test_child segv PATH N       N lines, then a null write (SIGSEGV)
//   log_test_child term PATH N       N lines, then SIGTERM to itself
//   log_test_child full PATH N       file size limit 4 KiB (SIGXFSZ ignored),
//                                    N lines, flush; exits 0 if the sink
//                                    counted errors and the process lives
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <rivet/log/logger.hpp>
#include <string>

namespace lg = rivet::log;

int main(int argc, char** argv) {
    if (argc != 4) return 2;
    std::string mode = argv[1];
    int n = std::atoi(argv[3]);
    if (mode == "full") {
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit limit{4096, 4096};
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    auto file = lg::file_sink(argv[2], lg::pattern("{message}"));
    auto& log = lg::make_logger("child", {.sinks = {file}});
    for (int i = 0; i < n; ++i) RIVET_LOG_INFO(log, "line {} of {}", i, n);
    if (mode == "abort") std::abort();
    if (mode == "segv") {
        volatile int* null = nullptr;
        *null = 1;
    }
    if (mode == "term") ::raise(SIGTERM);
    if (mode == "full") {
        lg::flush();
        RIVET_LOG_INFO(log, "after the disk filled");
        lg::flush();
        return file->errors() > 0 ? 0 : 1;
    }
    return 3;
}
