#!/usr/bin/env bash
# The runtime suite: rivet against Go, Boost.Asio and oneTBB, alternating
# implementations within each repetition, 5 repetitions, medians and ratios.
# Run through `make bench-runtime` (which builds the release preset first).
set -euo pipefail
cd "$(dirname "$0")/../.."

reps=${REPS:-5}
n_spawn=${N_SPAWN:-1000000}
n_hop=${N_HOP:-1000000}
n_echo=${N_ECHO:-50000}
bin=build/release/bench/runtime
out=build/bench
mkdir -p "$out/go"
raw="$out/runtime.raw"
: > "$raw"

# Go programs, built offline into the build tree.
export GOCACHE="$PWD/$out/go/cache" GOPATH="$PWD/$out/go/path" GO111MODULE=off GOFLAGS=
for prog in spawn hop memory echo; do
    go build -o "$out/go/$prog" "bench/runtime/go/$prog.go"
done

. bench/common/record.sh

# Pin the single-threaded cases to one core; the 2-thread cases get both.
one="taskset -c 1"

for rep in $(seq 1 "$reps"); do
    echo "repetition $rep/$reps"
    for w in 1 2; do
        cores=$([ "$w" = 1 ] && echo "taskset -c 1" || echo "taskset -c 0,1")
        record "spawn_${w}w" rivet "workers=$w,n=$n_spawn" ns $cores $bin/runtime_bench_rivet spawn "$w" "$n_spawn"
        record "spawn_${w}w" go "gomaxprocs=$w,n=$n_spawn" ns env GOMAXPROCS="$w" $cores "$out/go/spawn" "$n_spawn"
        record "spawn_${w}w" asio "threads=$w,n=$n_spawn" ns $cores $bin/runtime_bench_asio "$w" "$n_spawn"
        record "spawn_${w}w" tbb "threads=$w,n=$n_spawn" ns $cores $bin/runtime_bench_tbb "$w" "$n_spawn"
    done
    record hop rivet "workers=1,n=$n_hop" ns $one $bin/runtime_bench_rivet hop "$n_hop"
    record hop go "gomaxprocs=1,n=$n_hop" ns env GOMAXPROCS=1 $one "$out/go/hop" "$n_hop"
    record cancel_check rivet "n=100000000" ns $one $bin/runtime_bench_rivet cancel_check 100000000
    record timer rivet "n=1000000" ns $one $bin/runtime_bench_rivet timer 1000000
    record bytes_per_task rivet "n=100000" bytes $one $bin/runtime_bench_rivet bytes_per_task 100000
    record bytes_per_task go "n=100000" bytes env GOMAXPROCS=1 $one "$out/go/memory" 100000

    # TCP echo: the same rivet client (core 1) against each server (core 0).
    for impl in rivet go; do
        port=$((17000 + RANDOM % 20000))
        if [ "$impl" = rivet ]; then
            taskset -c 0 $bin/runtime_bench_rivet echo_server "$port" & server=$!
        else
            GOMAXPROCS=1 taskset -c 0 "$out/go/echo" "$port" & server=$!
        fi
        record tcp_echo "$impl" "server=$impl,rtt,n=$n_echo" ns $one $bin/runtime_bench_rivet echo_client "$port" "$n_echo"
        kill "$server"
        wait "$server" 2>/dev/null || true
    done
done

python3 bench/common/results.py runtime "$raw" "$out/runtime.json" \
    "$(grep -E '^CMAKE_CXX_FLAGS_RELEASE:' build/release/CMakeCache.txt | cut -d= -f2-)"
