#!/usr/bin/env bash
# The log suite: rivet's logger against spdlog 1.10 (sync and async), glog
# and Python's logging, alternating implementations within each repetition,
# 5 repetitions, medians and ratios (bench/common/results.py). Every program
# logs "message {} with value {}" (an int and a double) with the same text
# pattern to a file. Run through `make bench-log` (release build first).
set -euo pipefail
cd "$(dirname "$0")/../.."

reps=${REPS:-5}
n_big=${N_BIG:-1000000}   # end-to-end throughput and peak RSS
n_ref=${N_REF:-100000}    # reference report 000's table
n_lat=${N_LAT:-50000}     # latency samples per thread
idle_s=${IDLE_S:-3}
bin=build/release/bench/log
out=build/bench
files=$(mktemp -d /tmp/rivet-bench-log.XXXXXX)
trap 'rm -rf "$files"' EXIT
mkdir -p "$out"
raw="$out/log.raw"
: > "$raw"

# Both cores: an asynchronous logger's backend thread is part of what is measured.
pin="taskset -c 0,1"

record() {  # case impl params unit value
    echo "$1 $2 $3 $4 $5" >> "$raw"
    printf '  %-26s %-13s %-18s %14s %s\n' "$1" "$2" "$3" "$5" "$4"
}

# run IMPL PROGRAM... : the program's output, its log file removed after.
run() {
    local impl=$1
    shift
    rm -f "$files"/*
    $pin "$@"
}

prog() {  # impl -> command prefix (mode threads n path follow)
    case $1 in
        rivet) echo "$bin/log_bench_rivet" ;;
        spdlog-sync) echo "$bin/log_bench_spdlog sync" ;;
        spdlog-async) echo "$bin/log_bench_spdlog async" ;;
        glog) echo "$bin/log_bench_glog" ;;
    esac
}

for rep in $(seq 1 "$reps"); do
    echo "repetition $rep/$reps"
    # Reference report 000: 100,000 logs on 1 thread, on 16, and asynchronously.
    for impl in rivet spdlog-sync spdlog-async glog; do
        for t in 1 16; do
            v=$(run "$impl" $(prog "$impl") throughput "$t" "$n_ref" "$files/f.log")
            record "ref_throughput_${t}t" "$impl" "n=$n_ref" ms "$v"
        done
    done
    for t in 1 16; do
        v=$(run python python3 bench/log/python_bench.py throughput "$t" "$n_ref" "$files/f.log")
        record "ref_throughput_${t}t" python "n=$n_ref" ms "$v"
    done
    v=$(run rivet $(prog rivet) throughput 1 "$n_ref" "$files/f.log")
    record ref_throughput_async rivet "n=$n_ref" ms "$v"
    v=$(run python python3 bench/log/python_bench.py async 1 "$n_ref" "$files/f.log")
    record ref_throughput_async python "n=$n_ref,queue" ms "$v"

    # End-to-end throughput to a file, including the final flush.
    for t in 1 4; do
        for impl in rivet spdlog-sync spdlog-async glog; do
            v=$(run "$impl" $(prog "$impl") throughput "$t" "$n_big" "$files/f.log")
            record "throughput_${t}t" "$impl" "n=$n_big" ms "$v"
        done
    done

    # Hot-path latency of one call.
    for t in 1 4; do
        for impl in rivet spdlog-async spdlog-sync glog; do
            read -r p50 p99 p999 < <(run "$impl" $(prog "$impl") latency "$t" "$n_lat" "$files/f.log")
            record "latency_p50_${t}t" "$impl" "n=$n_lat/thread" ns "$p50"
            record "latency_p99_${t}t" "$impl" "n=$n_lat/thread" ns "$p99"
            record "latency_p99.9_${t}t" "$impl" "n=$n_lat/thread" ns "$p999"
        done
    done

    # Peak RSS of a 1,000,000-message run, and CPU while idle.
    for impl in rivet spdlog-sync spdlog-async glog; do
        v=$(run "$impl" $(prog "$impl") rss 1 "$n_big" "$files/f.log")
        record rss_1m "$impl" "n=$n_big" KiB "$v"
    done
    for impl in rivet spdlog-async; do
        v=$(run "$impl" $(prog "$impl") idle_cpu "$idle_s" 0 "$files/f.log")
        record idle_cpu "$impl" "seconds=$idle_s" percent "$v"
    done
done

python3 bench/common/results.py log "$raw" "$out/log.json" \
    "$(grep -E '^CMAKE_CXX_FLAGS_RELEASE:' build/release/CMakeCache.txt | cut -d= -f2-)"
