#!/usr/bin/env python3
"""Per-match costs of the router micro-benchmark under callgrind.

    bench/http/router_callgrind.py build/release/src/http/http_micro_bench [benchmark ...]

For each benchmark (default: match_static and match_param at 10, 100 and
1,000 routes) runs the binary under callgrind with its cache and branch
simulations, collecting only inside router::match and not inside the
matching table's build (the second --toggle-collect turns collection off
again inside route_table's constructor), and prints the instructions, L1
data misses, mispredicted branches and conditional branches per match:
the totals divided by the number of calls to router::match.
"""
import os
import re
import subprocess
import sys
import tempfile

DEFAULT = [f"match_{kind}/{n}" for kind in ("static", "param") for n in (10, 100, 1000)]


def measure(binary, benchmark):
    with tempfile.TemporaryDirectory(prefix="router-callgrind-") as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--cache-sim=yes", "--branch-sim=yes",
             f"--callgrind-out-file={out}",
             "--toggle-collect=rivet::http::router::match*",
             "--toggle-collect=rivet::http::detail::route_table::route_table*",
             binary, f"--benchmark_filter={benchmark}$", "--benchmark_min_time=0.3"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        names, events, totals, calls, callee = {}, None, None, 0, None
        with open(out) as f:
            for line in f:
                if line.startswith("events:"):
                    events = line.split()[1:]
                elif line.startswith(("summary:", "totals:")):
                    totals = [int(x) for x in line.split()[1:]]
                elif line.startswith(("fn=", "cfn=")):
                    m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
                    if m and m.group(2):
                        names[m.group(1)] = m.group(2)
                    if line.startswith("cfn="):
                        callee = names.get(m.group(1), "") if m else line[4:]
                elif line.startswith("calls=") and callee is not None:
                    if callee.startswith("rivet::http::router::match("):
                        calls += int(line.split("=")[1].split()[0])
                    callee = None
    cost = dict(zip(events, totals + [0] * (len(events) - len(totals))))
    per = lambda *keys: sum(cost.get(k, 0) for k in keys) / calls
    return calls, per("Ir"), per("D1mr", "D1mw"), per("Bcm", "Bim"), per("Bc")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(f"{'benchmark':<20} {'matches':>8} {'instr':>7} {'L1d miss':>9} {'mispred':>8} {'branches':>9}")
    for benchmark in sys.argv[2:] or DEFAULT:
        calls, instr, misses, mispredicts, branches = measure(sys.argv[1], benchmark)
        print(f"{benchmark:<20} {calls:>8} {instr:>7.1f} {misses:>9.2f} {mispredicts:>8.2f} {branches:>9.1f}")


if __name__ == "__main__":
    main()
