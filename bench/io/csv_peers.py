#!/usr/bin/env python3
"""CSV reading speed: grove's ReadCsv next to pandas.read_csv and XGBoost 1.7's own reader.

    /usr/bin/python3 bench/io/csv_peers.py --bench build-csv/bench/csv_bench
    /usr/bin/python3 bench/io/csv_peers.py --bench build/dev/bench/csv_bench --path HIGGS.csv

Without --path it writes (once, then reuses) a HIGGS-shaped file: label + 28 features,
1,000,000 rows of 6-significant-digit values, about 250 MB. Every reader parses the same file
from the page cache; each time is the best of --repeat runs. MB/s counts 1e6 bytes of CSV
text; "vs grove" is the reader's speed divided by grove's (all threads).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np


def write_higgs_like(path, rows, features, seed=20140624):
    rng = np.random.default_rng(seed)
    block = 100_000
    with open(path + ".tmp", "w") as out:
        for start in range(0, rows, block):
            n = min(block, rows - start)
            x = rng.standard_normal((n, features))
            x[:, ::4] = np.abs(x[:, ::4]) + 0.3  # positive "momentum" columns, as in HIGGS
            y = rng.integers(0, 2, n)
            np.savetxt(out, np.column_stack([y, x]), fmt=["%d"] + ["%.6g"] * features,
                       delimiter=",")
    os.replace(path + ".tmp", path)


def best_seconds(function, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
        del result
    return best


def time_pandas(path, repeat):
    import pandas as pd
    return best_seconds(lambda: pd.read_csv(path, header=None), repeat)


def time_xgboost(path, repeat):
    import xgboost as xgb
    # XGBoost 1.7 reads CSV through dmlc-core's parser (the built-in container's path).
    return best_seconds(lambda: xgb.DMatrix(path + "?format=csv&label_column=0"), repeat)


def time_grove(bench, path, repeat):
    env = dict(os.environ, GROVE_CSV_BENCH_FILE=path)
    output = subprocess.run(
        [bench, "--benchmark_format=json", f"--benchmark_repetitions={repeat}",
         "--benchmark_report_aggregates_only=false"],
        env=env, check=True, capture_output=True, text=True).stdout
    best = {}
    for entry in json.loads(output)["benchmarks"]:
        if entry.get("run_type") != "iteration":
            continue
        assert entry["time_unit"] == "ms", entry["time_unit"]
        name = entry["run_name"]
        best[name] = min(best.get(name, float("inf")), entry["real_time"] / 1000.0)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", required=True, help="path of the csv_bench binary")
    parser.add_argument("--path", help="CSV file to read (default: generate one)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=28)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = args.path or f"/tmp/grove_csv_peers_{args.rows}x{args.features}.csv"
    if not args.path and not os.path.exists(path):
        print(f"writing {path} ...", file=sys.stderr)
        write_higgs_like(path, args.rows, args.features)
    size = os.path.getsize(path)

    rows = []
    for name, seconds in time_grove(args.bench, path, args.repeat).items():
        threads = "1" if "1Thread" in name else str(os.cpu_count())
        rows.append((f"grove ReadCsv ({name.split('/')[0]})", threads, seconds))
    rows.append(("pandas.read_csv(header=None)", "1", time_pandas(path, args.repeat)))
    rows.append(("xgboost.DMatrix(?format=csv)", "dmlc", time_xgboost(path, args.repeat)))

    grove_all = next(s for n, t, s in rows if n.startswith("grove") and t != "1")
    print(f"file: {path} ({size / 1e6:.1f} MB), {os.cpu_count()} cores, best of {args.repeat}")
    print(f"{'reader':40} {'threads':>7} {'seconds':>8} {'MB/s':>8} {'vs grove':>9}")
    for name, threads, seconds in rows:
        print(f"{name:40} {threads:>7} {seconds:8.3f} {size / 1e6 / seconds:8.1f} "
              f"{grove_all / seconds:9.2f}")


if __name__ == "__main__":
    main()
