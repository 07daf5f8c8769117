#!/usr/bin/env bash
# The chan suite: rivet's channels against boost::lockfree, moodycamel, a
# mutex channel and Go, alternating implementations within each repetition,
# 5 repetitions, medians and ratios. Run through `make bench-chan` (which
# builds the release preset first).
#
# Thread cases run on both cores (taskset -c 0,1); the task cases at one
# worker (GOMAXPROCS 1) on core 1, at two on both.
set -euo pipefail
cd "$(dirname "$0")/../.."

reps=${REPS:-5}
n_spsc=${N_SPSC:-10000000}
n_rtt=${N_RTT:-200000}
n_mpmc=${N_MPMC:-4000000}
n_task=${N_TASK:-4000000}
n_bytes=${N_BYTES:-10000}
bin=build/release/bench/chan
out=build/bench
mkdir -p "$out/go"
raw="$out/chan.raw"
: > "$raw"

export GOCACHE="$PWD/$out/go/cache" GOPATH="$PWD/$out/go/path" GO111MODULE=off GOFLAGS=
go build -o "$out/go/chan" bench/chan/go/chan.go

. bench/common/record.sh

both="taskset -c 0,1"
one="taskset -c 1"
go2="env GOMAXPROCS=2 $both $out/go/chan"

for rep in $(seq 1 "$reps"); do
    echo "repetition $rep/$reps"
    p="threads=1+1,cap=1024,n=$n_spsc"
    record spsc_throughput rivet "$p" ns/item $both $bin/chan_bench_rivet spsc "$n_spsc"
    for impl in boost moodycamel moodycamel-cq mutex; do
        record spsc_throughput "$impl" "$p" ns/item $both $bin/chan_bench_peers "$impl" spsc "$n_spsc"
    done
    record spsc_throughput go "gomaxprocs=2,cap=1024,n=$n_spsc" ns/item $go2 spsc "$n_spsc"

    p="threads=1+1,n=$n_rtt"
    record spsc_rtt rivet "$p" ns $both $bin/chan_bench_rivet rtt "$n_rtt"
    for impl in boost moodycamel mutex; do
        record spsc_rtt "$impl" "$p" ns $both $bin/chan_bench_peers "$impl" rtt "$n_rtt"
    done
    record spsc_rtt go "gomaxprocs=2,n=$n_rtt" ns $go2 rtt "$n_rtt"

    for pc in 2 4; do
        p="threads=${pc}+${pc},cap=1024,n=$n_mpmc"
        record "mpmc_${pc}x${pc}" rivet "$p" ns/item $both $bin/chan_bench_rivet mpmc "$pc" "$pc" "$n_mpmc"
        for impl in moodycamel moodycamel-tokens boost mutex; do
            record "mpmc_${pc}x${pc}" "$impl" "$p" ns/item $both $bin/chan_bench_peers "$impl" mpmc "$pc" "$pc" "$n_mpmc"
        done
        record "mpmc_${pc}x${pc}" go "gomaxprocs=2,cap=1024,n=$n_mpmc" ns/item $go2 mpmc "$pc" "$pc" "$n_mpmc"
    done

    for w in 1 2; do
        cores=$([ "$w" = 1 ] && echo "$one" || echo "$both")
        record "task_spsc_${w}w" rivet "workers=$w,cap=1024,n=$n_task" ns/item $cores $bin/chan_bench_rivet task_spsc "$w" "$n_task"
        record "task_spsc_${w}w" go "gomaxprocs=$w,cap=1024,n=$n_task" ns/item env GOMAXPROCS="$w" $cores "$out/go/chan" spsc "$n_task"
        record "task_mpmc_${w}w" rivet "workers=$w,2+2,cap=1024,n=$n_task" ns/item $cores $bin/chan_bench_rivet task_mpmc "$w" "$n_task"
        record "task_mpmc_${w}w" go "gomaxprocs=$w,2+2,cap=1024,n=$n_task" ns/item env GOMAXPROCS="$w" $cores "$out/go/chan" mpmc 2 2 "$n_task"
    done

    record spsc_bytes rivet "cap=64,n=$n_bytes" bytes $one $bin/chan_bench_rivet bytes spsc "$n_bytes"
    record spsc_bytes boost "cap=64,n=$n_bytes" bytes $one $bin/chan_bench_peers boost bytes "$n_bytes"
    record spsc_bytes go "cap=64,n=$n_bytes" bytes env GOMAXPROCS=1 $one "$out/go/chan" bytes "$n_bytes"
    record mpmc_bytes rivet "cap=64,n=$n_bytes" bytes $one $bin/chan_bench_rivet bytes mpmc "$n_bytes"
    record mpmc_bytes go "cap=64,n=$n_bytes" bytes env GOMAXPROCS=1 $one "$out/go/chan" bytes "$n_bytes"
done

python3 bench/common/results.py chan "$raw" "$out/chan.json" \
    "$(grep -E '^CMAKE_CXX_FLAGS_RELEASE:' build/release/CMakeCache.txt | cut -d= -f2-)"
