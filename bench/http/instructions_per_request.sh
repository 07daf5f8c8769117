#!/bin/bash
# User-space instructions per request of an HTTP server, under callgrind:
# the count does not depend on the machine's load, unlike any timing.
#
#   bench/http/instructions_per_request.sh [server-binary] [path]
#
# Defaults: the release build's bench server and /plaintext. The server
# (which takes its port as its only argument) runs under callgrind; wrk
# (1 thread, 10 connections) warms it up for 2 s, the counters are zeroed,
# wrk runs 4 s more and the count is divided by wrk's request count.
# Expect about ±5% between runs: the size of each epoll batch varies.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/release/bench/http/http_bench_rivet}
path=${2:-/plaintext}
port=$((20000 + RANDOM % 10000))
out=$(mktemp -d /tmp/rivet-ipr.XXXXXX)
trap 'kill -INT $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$out"' EXIT

valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" "$port" > /dev/null 2>&1 &
server=$!
for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port$path" && break
    sleep 0.2
done
wrk -t1 -c10 -d2s "http://127.0.0.1:$port$path" > /dev/null
callgrind_control -z "$server" > /dev/null 2>&1
requests=$(wrk -t1 -c10 -d4s "http://127.0.0.1:$port$path" | awk '/requests in/ {print $1}')
callgrind_control -d "$server" > /dev/null 2>&1
instructions=$(callgrind_annotate "$out/cg.1" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "$path: $requests requests, $instructions instructions, $((instructions / requests)) per request"
