#!/usr/bin/env python3
"""grove's random forest against scikit-learn's on the same data, same threads, in one run.

    python3 bench/engine/forest_vs_sklearn.py --bench build/dev/bench/train_bench \
        [--rows 1000000] [--features 28] [--trees 200] [--depth 15] [--threads 2]

Generates the HIGGS-shaped binary set of train_bench (once per --data dir; 80% train), then
trains the user guide's forest, RandomForestClassifier(n_estimators=200, max_depth=15,
min_samples_split=5, random_state=42) with n_jobs=--threads, in scikit-learn and in grove
(algorithm=random_forest, same names and values, max_bin 256). Prints each one's training time
(grove's includes quantization; the CSV parsing of both is excluded), test AUC, and the ratio.
--sklearn-trees trains scikit-learn on fewer trees and scales its time linearly (trees are
independent and equally expensive on average), for machines where the full run takes too long;
the AUC is then that of the smaller forest and is marked as such.
"""
import argparse
import os
import re
import subprocess
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True, help="path of the train_bench binary")
    ap.add_argument("--data", default="/tmp/grove-bench-data")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--features", type=int, default=28)
    ap.add_argument("--trees", type=int, default=200)
    ap.add_argument("--depth", type=int, default=15)
    ap.add_argument("--min-samples-split", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sklearn-trees", type=int, default=0,
                    help="train scikit-learn on this many trees and scale its time (0 = --trees)")
    ap.add_argument("--skip-sklearn", action="store_true")
    args = ap.parse_args()

    data = os.path.join(args.data, f"{args.rows}x{args.features}")
    if not os.path.exists(os.path.join(data, "test.csv")):
        os.makedirs(data, exist_ok=True)
        subprocess.run([args.bench, "generate", str(args.rows), str(args.features), data],
                       check=True)

    params = {"algorithm": "random_forest", "objective": "binary:logistic",
              "n_estimators": args.trees, "max_depth": args.depth,
              "min_samples_split": args.min_samples_split, "random_state": 42,
              "max_bin": 256, "n_jobs": args.threads}
    out = subprocess.run([args.bench, "train", data] + [f"{k}={v}" for k, v in params.items()],
                         check=True, capture_output=True, text=True).stdout
    grove_seconds = float(re.search(r"grove_seconds=([0-9.]+)", out).group(1))
    grove_auc = float(re.search(r"grove_auc=([0-9.]+)", out).group(1))
    print(f"data: {args.rows} rows x {args.features} features (80% train); forest: "
          f"{args.trees} trees, max_depth {args.depth}, min_samples_split "
          f"{args.min_samples_split}, random_state 42, {args.threads} threads")
    print(f"{'':14} {'seconds':>10} {'test AUC':>10}")
    print(f"{'grove':14} {grove_seconds:10.2f} {grove_auc:10.5f}")
    if args.skip_sklearn:
        return

    train = pd.read_csv(os.path.join(data, "train.csv"), header=None, dtype=np.float32).values
    test = pd.read_csv(os.path.join(data, "test.csv"), header=None, dtype=np.float32).values
    trees = args.sklearn_trees or args.trees
    model = RandomForestClassifier(n_estimators=trees, max_depth=args.depth,
                                   min_samples_split=args.min_samples_split, random_state=42,
                                   n_jobs=args.threads)
    start = time.perf_counter()
    model.fit(train[:, 1:], train[:, 0])
    sk_seconds = (time.perf_counter() - start) * args.trees / trees
    sk_auc = roc_auc_score(test[:, 0], model.predict_proba(test[:, 1:])[:, 1])
    note = "" if trees == args.trees else f"  (time scaled from {trees} trees; AUC of {trees})"
    print(f"{'scikit-learn':14} {sk_seconds:10.2f} {sk_auc:10.5f}{note}   "
          f"(scikit-learn {sklearn.__version__})")
    print(f"grove is {sk_seconds / grove_seconds:.1f}x the speed of scikit-learn "
          f"(AUC difference {grove_auc - sk_auc:+.5f})")


if __name__ == "__main__":
    main()
