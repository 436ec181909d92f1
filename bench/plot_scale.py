#!/usr/bin/python3
"""Plots the scale workloads of a Google Benchmark JSON file (names like
BM_Get/1000): microseconds per operation against data size, log-log, as a PNG
drawn by gnuplot.

Usage: bench/plot_scale.py BENCH.json OUT.png
"""
import json
import subprocess
import sys
import tempfile

rows = json.load(open(sys.argv[1]))["benchmarks"]
series = {}
for row in rows:
    if "/" not in row["name"] or "Baseline" in row["name"]:
        continue
    base, size = row["name"].split("/", 1)
    micros = row["real_time"] * {"ns": 1e-3, "us": 1, "ms": 1e3}[row["time_unit"]]
    series.setdefault(base[3:], []).append((int(size), micros))

with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as data:
    for name, points in series.items():
        data.write('"%s"\n' % name)
        for size, micros in sorted(points):
            data.write("%d %f\n" % (size, micros))
        data.write("\n\n")
script = """
set terminal pngcairo size 900,500
set output "%s"
set logscale xy
set xlabel "items in the store or collection"
set ylabel "microseconds per operation"
set key outside right
set grid
plot for [i=0:%d] "%s" index i using 1:2 with linespoints title columnheader(1)
""" % (sys.argv[2], len(series) - 1, data.name)
subprocess.run(["gnuplot"], input=script.encode(), check=True)
