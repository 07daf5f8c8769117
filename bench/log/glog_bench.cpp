// glog 0.6 in the log suite (see bench_common.hpp): INFO to one file
// (buffered, glog's default logbuflevel), nothing to stderr. glog's line
// prefix is its own (it has no pattern); the message is the same.
#include <glog/logging.h>

#include "bench_common.hpp"

int main(int argc, char** argv) {
    if (argc < 5) return 2;
    FLAGS_logtostderr = false;
    FLAGS_alsologtostderr = false;
    FLAGS_stderrthreshold = 3;
    FLAGS_logbuflevel = 0;
    google::InitGoogleLogging("bench");
    google::SetLogDestination(google::INFO, argv[4]);
    google::SetLogDestination(google::WARNING, "");
    google::SetLogDestination(google::ERROR, "");
    google::SetLogDestination(google::FATAL, "");
    bench::logger_under_test lut{
        [](int i) { LOG(INFO) << "message " << i << " with value " << i * 1.5; },
        [] { google::FlushLogFiles(google::INFO); }};
    return bench::run(argc, argv, lut);
}
