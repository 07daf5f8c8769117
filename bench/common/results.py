#!/usr/bin/env python3
"""Turns a suite's raw measurements into rivet's results format.

Input: a text file, one measurement per line:
    <case> <impl> <params> <unit> <value>
(params without spaces, e.g. workers=1,n=1000000). Units are lower-is-better
(ns, bytes...) except rates, whose unit has "_per_" in it (req_per_s,
req_per_cpu_s). Output: build/bench/<suite>.json,

    {"suite", "commit", "dirty", "env": {cpu, cores, kernel, compiler, flags},
     "results": [{"case", "impl", "params", "unit", "median", "min", "max", "n"}],
     "ratios": [{"case", "vs", "value"}]}

where a ratio is how many times better rivet did than that peer in this run
(peer median / rivet median, or rivet / peer for a rate; above 1: rivet
ahead), and a table on stdout.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import OrderedDict


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def environment(flags):
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "compiler": sh("c++", "--version").splitlines()[0] if sh("c++", "--version") else "",
        "flags": flags,
    }


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: results.py SUITE RAW_FILE OUT_JSON FLAGS")
    suite, raw, out, flags = sys.argv[1:]
    samples = OrderedDict()
    with open(raw) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 5:
                continue
            case, impl, params, unit, value = parts
            samples.setdefault((case, impl, params, unit), []).append(float(value))

    results = []
    for (case, impl, params, unit), values in samples.items():
        results.append({"case": case, "impl": impl, "params": params, "unit": unit,
                        "median": statistics.median(values), "min": min(values),
                        "max": max(values), "n": len(values)})

    ratios = []
    rivet = {r["case"]: r for r in results if r["impl"] == "rivet"}
    for r in results:
        if r["impl"] != "rivet" and r["case"] in rivet and rivet[r["case"]]["median"] > 0:
            mine = rivet[r["case"]]["median"]
            if "_per_" in r["unit"]:
                value = mine / r["median"] if r["median"] > 0 else float("inf")
            else:
                value = r["median"] / mine
            ratios.append({"case": r["case"], "vs": r["impl"], "value": round(value, 3)})

    report = {
        "suite": suite,
        "commit": sh("git", "rev-parse", "--short", "HEAD"),
        "dirty": bool(sh("git", "status", "--porcelain", "--untracked-files=no")),
        "env": environment(flags),
        "results": results,
        "ratios": ratios,
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(report, f, indent=2)

    width = max([16] + [len(r["case"]) for r in results])
    iw = max([8] + [len(r["impl"]) for r in results])
    print(f"{'case':<{width}} {'impl':<{iw}} {'params':<24} {'median':>12} {'min':>12} {'max':>12} unit")
    for r in results:
        print(f"{r['case']:<{width}} {r['impl']:<{iw}} {r['params']:<24} {r['median']:>12.2f} "
              f"{r['min']:>12.2f} {r['max']:>12.2f} {r['unit']}")
    print()
    print("rivet's ratio to each peer (above 1: rivet ahead)")
    for q in ratios:
        print(f"  {q['case']:<{width}} vs {q['vs']:<{iw}} {q['value']:>8.2f}x")
    print(f"\nwritten: {out}")


if __name__ == "__main__":
    main()
