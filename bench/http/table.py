#!/usr/bin/env python3
"""Prints build/bench/http.json as the Markdown tables of docs/http.md."""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "build/bench/http.json"
report = json.load(open(path))
by = {(r["case"], r["impl"]): r["median"] for r in report["results"]}
impls = []
for r in report["results"]:
    if r["impl"] not in impls and not r["case"].startswith("router"):
        impls.append(r["impl"])

for workload in ["plaintext", "json", "echo", "plaintext_pipelined16"]:
    if (workload + ":req_per_s", "rivet") not in by:
        continue
    mine = by[(workload + ":req_per_cpu_s", "rivet")]
    print(f"\n**{workload}**\n")
    print("| server | req/s | req per server-CPU-s | rivet's ratio | avg µs | p50 µs | p99 µs | max µs |")
    print("|---|---|---|---|---|---|---|---|")
    for impl in impls:
        if (workload + ":req_per_s", impl) not in by:
            continue
        cpu = by[(workload + ":req_per_cpu_s", impl)]
        ratio = "" if impl == "rivet" else f"{mine / cpu:.2f}x"
        cells = [f"{by[(workload + ':req_per_s', impl)]:,.0f}", f"{cpu:,.0f}", ratio]
        for m in ["lat_avg", "lat_p50", "lat_p99", "lat_max"]:
            cells.append(f"{by[(workload + ':' + m, impl)]:,.0f}")
        print(f"| {impl} | " + " | ".join(cells) + " |")

routers = [r for r in report["results"] if r["case"].startswith("router")]
if routers:
    print("\n| router match | routes | ns (median) |\n|---|---|---|")
    for r in routers:
        print(f"| {r['case'][len('router_match_'):]} | {r['params'].split('=')[1]} | {r['median']:.1f} |")
