#!/usr/bin/env bash
# The task cases of run.sh (task_spsc, task_mpmc; 1 worker on core 1, 2 on
# both cores; capacity 1024; 4,000,000 items), alternating two rivet builds
# (say main's and a branch's) and Go within each repetition, for judging a
# change to the task path on a noisy machine. Prints one line per case and
# repetition:
#   case  before_ns before_cpu_ms  after_ns after_cpu_ms  go_ns go_cpu_ms  load
# CPU time is perf's task-clock (what the process spent, whatever the
# machine's load did to the wall time). Holds /tmp/rivet-bench.lock while
# timing, as the other benchmarks do.
#
#   bench/chan/task_compare.sh REPS BEFORE_BIN AFTER_BIN [GO_BIN]
#
# GO_BIN defaults to the one run.sh builds (build/bench/go/chan).
set -euo pipefail
cd "$(dirname "$0")/../.."

reps=$1
before=$2
after=$3
go=${4:-build/bench/go/chan}
n=${N_TASK:-4000000}

timed() {  # cores command... -> "ns cpu_ms"
    local cores=$1
    shift
    local out
    out=$(flock /tmp/rivet-bench.lock perf stat -x, -e task-clock taskset -c "$cores" "$@" 2>&1)
    echo "$(echo "$out" | head -1) $(echo "$out" | grep task-clock | cut -d, -f1 | cut -d. -f1)"
}

lines=$(mktemp)
trap 'rm -f "$lines"' EXIT

for rep in $(seq 1 "$reps"); do
    for w in 1 2; do
        cores=$([ "$w" = 1 ] && echo 1 || echo 0,1)
        for c in spsc mpmc; do
            goargs=$([ "$c" = spsc ] && echo "spsc $n" || echo "mpmc 2 2 $n")
            b=$(timed "$cores" "$before" "task_$c" "$w" "$n")
            a=$(timed "$cores" "$after" "task_$c" "$w" "$n")
            # shellcheck disable=SC2086
            g=$(timed "$cores" env GOMAXPROCS="$w" "$go" $goargs)
            echo "task_${c}_${w}w $b $a $g $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$lines"
        done
    done
done

python3 - "$lines" <<'PY'
import collections, statistics as st, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    case, *fields = line.split()
    rows[case].append([float(f) for f in fields])
def fmt(v):
    return f"{st.median(v):.1f} ({min(v):.1f}-{max(v):.1f})"
for case, runs in rows.items():
    b, bcpu, a, acpu, g, gcpu, load = zip(*runs)
    per_rep = [gg / aa for gg, aa in zip(g, a)]
    ratio = lambda v: f"{st.median(v):.2f} ({min(v):.2f}-{max(v):.2f})"
    print(f"{case}: before {fmt(b)} ns, cpu {st.median(bcpu):.0f} ms | after {fmt(a)} ns, "
          f"cpu {st.median(acpu):.0f} ms | go {fmt(g)} ns, cpu {st.median(gcpu):.0f} ms | "
          f"go/after {st.median(g) / st.median(a):.2f}x, per repetition {ratio(per_rep)}x | "
          f"load {min(load)}-{max(load)}")
PY
