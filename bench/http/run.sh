#!/usr/bin/env bash
# The HTTP suite: rivet against nginx, h2o, Boost.Beast, Go net/http, Node's
# http, fastify, Starlette on uvicorn (asyncio and uvloop) and cpp-httplib.
#
# Each server runs pinned to core 0 (taskset), wrk (1 thread, 50
# connections) pinned to core 1. All servers start (and are warmed up, 1 s)
# first; then, for each repetition and each workload (DURATION s each:
# GET /plaintext, GET /json, POST /echo of reference 004's 86-byte JSON),
# the servers are measured one after the other. The server's CPU time (user + system, every process
# and thread of its session) is read from /proc around each measurement,
# so requests per server-CPU-second stays meaningful when wrk, not the
# server, is the bottleneck. Then rivet and nginx with 16-deep pipelining,
# and the router micro-benchmark. Results: build/bench/http.json.
#
#   REPS=3 DURATION=10 CONNS=50 PEERS="nginx go" WORKLOADS="plaintext" bench/http/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

reps=${REPS:-3}
duration=${DURATION:-10}
conns=${CONNS:-50}
peers=${PEERS:-"nginx h2o beast go node fastify starlette-asyncio starlette-uvloop cpp-httplib"}
workloads=${WORKLOADS:-"plaintext json echo"}
bin=build/release/bench/http
out=build/bench
work="$PWD/$out/http"
raw="$out/http.raw"
mkdir -p "$work/go" "$work/node"
: > "$raw"
export WRK_REPORT="$PWD/bench/http/wrk/report.lua"
ticks_per_s=$(getconf CLK_TCK)

# Peers that need building or fetching, offline once present.
export GOCACHE="$work/go/cache" GOPATH="$work/go/path" GO111MODULE=off GOFLAGS=
go build -o "$work/go/server" bench/http/peers/go/server.go
if [[ " $peers " == *" fastify "* ]] && [ ! -d "$work/node/node_modules/fastify" ]; then
    npm install --prefix "$work/node" --no-audit --no-fund --silent fastify@4 >/dev/null
fi
printf 'Hello, World!' > "$work/plaintext.txt"
printf '{"message":"Hello, World!"}' > "$work/json.json"

# Starts `impl` on `port`, in its own session pinned to core 0; sets $server.
start() {
    local impl=$1 port=$2 conf
    local pin="taskset -c 0"
    case $impl in
        rivet) setsid $pin "$bin/http_bench_rivet" "$port" & ;;
        beast) setsid $pin "$bin/http_bench_beast" "$port" & ;;
        cpp-httplib) setsid $pin "$bin/http_bench_httplib" "$port" & ;;
        go) setsid $pin "$work/go/server" "$port" & ;;
        node) setsid $pin node bench/http/peers/node_server.js "$port" & ;;
        fastify) NODE_PATH="$work/node/node_modules" setsid $pin node bench/http/peers/fastify_server.js "$port" & ;;
        starlette-asyncio | starlette-uvloop)
            # Debian's interpreter: the packages are installed for it, not for
            # whatever python3 comes first on PATH.
            setsid $pin /usr/bin/python3 -m uvicorn --app-dir bench/http/peers starlette_app:app \
                --host 127.0.0.1 --port "$port" --loop "${impl#starlette-}" --http httptools \
                --no-access-log --log-level warning & ;;
        nginx)
            conf="$work/nginx.conf"
            mkdir -p "$work/nginx"
            sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$work/nginx|g" bench/http/peers/nginx.conf > "$conf"
            setsid $pin nginx -c "$conf" -e stderr & ;;
        h2o)
            conf="$work/h2o.conf"
            sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$work|g" bench/http/peers/h2o.conf > "$conf"
            setsid $pin h2o -c "$conf" >/dev/null & ;;
        *) echo "unknown server $impl" >&2; exit 1 ;;
    esac
    server=$!
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null "http://127.0.0.1:$port/plaintext"; then return 0; fi
        sleep 0.1
    done
    echo "$impl did not start on port $port" >&2
    exit 1
}

stop() {
    kill -TERM -- "-$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
}

# CPU ticks (user + system) of every process in session $sid (the server's:
# setsid made it a session leader, so its session id is its pid).
cpu_ticks() {
    local total=0 line rest
    for f in /proc/[0-9]*/stat; do
        { read -r line < "$f"; } 2>/dev/null || continue  # the process may have exited
        rest=${line##*) }
        # shellcheck disable=SC2086
        set -- $rest
        if [ "$4" = "$sid" ]; then total=$((total + ${12} + ${13})); fi
    done
    echo "$total"
}

# Runs wrk for `secs` on `path` with `script`; records the results as `case`.
measure() {
    local impl=$1 port=$2 name=$3 path=$4 script=$5 secs=$6 record=$7
    sid=$server
    local before after result
    before=$(cpu_ticks)
    result=$(taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" -s "$script" \
        "http://127.0.0.1:$port$path" | grep '^RESULT' || true)
    after=$(cpu_ticks)
    [ "$record" = 1 ] || return 0
    if [ -z "$result" ]; then
        echo "  $name $impl: wrk gave no result" >&2
        return 0
    fi
    # shellcheck disable=SC2086
    set -- $result
    local requests=$2 us=$3 mean=$4 p50=$5 p99=$6 max=$7 errors=$8
    local cpu_s rps rpc
    cpu_s=$(python3 -c "print(max(($after - $before) / $ticks_per_s, 1e-9))")
    rps=$(python3 -c "print(round($requests / ($us / 1e6), 1))")
    rpc=$(python3 -c "print(round($requests / $cpu_s, 1))")
    local params="c=$conns,d=${secs}s"
    {
        echo "$name:req_per_s $impl $params req_per_s $rps"
        echo "$name:req_per_cpu_s $impl $params req_per_cpu_s $rpc"
        echo "$name:lat_avg $impl $params us $mean"
        echo "$name:lat_p50 $impl $params us $p50"
        echo "$name:lat_p99 $impl $params us $p99"
        echo "$name:lat_max $impl $params us $max"
    } >> "$raw"
    printf '  %-24s %-18s %10s req/s %10s req/cpu-s  avg %8s us  p99 %8s us  cpu %5.2fs  errors %s\n' \
        "$name" "$impl" "$rps" "$rpc" "$mean" "$p99" "$cpu_s" "$errors"
}

script_for() {
    case $1 in
        echo) echo bench/http/wrk/echo.lua ;;
        *) echo bench/http/wrk/get.lua ;;
    esac
}

# Every server is started once, up front (each idle until wrk reaches it),
# so that the measurements of one workload alternate servers back to back:
# on a shared machine, load from elsewhere then hits all servers alike
# instead of whichever happened to run during a burst.
declare -A pids ports
port=$((20000 + RANDOM % 20000))
for impl in rivet $peers; do
    port=$((port + 1))
    start "$impl" "$port"
    pids[$impl]=$server
    ports[$impl]=$port
    measure "$impl" "$port" warmup /plaintext bench/http/wrk/get.lua 1 0
done
trap 'for p in "${pids[@]}"; do server=$p; stop; done' EXIT

for rep in $(seq 1 "$reps"); do
    echo "repetition $rep/$reps"
    for w in $workloads; do
        for impl in rivet $peers; do
            server=${pids[$impl]}
            measure "$impl" "${ports[$impl]}" "$w" "/$w" "$(script_for "$w")" "$duration" 1
        done
    done
    for impl in rivet nginx; do
        [ -n "${pids[$impl]:-}" ] || continue
        server=${pids[$impl]}
        measure "$impl" "${ports[$impl]}" plaintext_pipelined16 /plaintext bench/http/wrk/pipeline.lua "$duration" 1
    done
done

# Router match time (Google Benchmark, rivet only).
if [ -x build/release/src/http/http_micro_bench ]; then
    taskset -c 1 build/release/src/http/http_micro_bench --benchmark_format=json \
        --benchmark_min_time=0.5 2>/dev/null | python3 -c '
import json, sys
for b in json.load(sys.stdin)["benchmarks"]:
    kind, n = b["name"].split("/")
    print("router_%s rivet routes=%s ns %.2f" % (kind, n, b["cpu_time"]))
' >> "$raw"
fi

python3 bench/common/results.py http "$raw" "$out/http.json" \
    "$(grep -E '^CMAKE_CXX_FLAGS_RELEASE:' build/release/CMakeCache.txt | cut -d= -f2-)"
