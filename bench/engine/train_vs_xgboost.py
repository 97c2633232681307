#!/usr/bin/env python3
"""grove against XGBoost `hist` on the same data, same threads, in one run.

    python3 bench/engine/train_vs_xgboost.py --bench build/dev/bench/train_bench \
        [--rows 1000000] [--features 28] [--rounds 500] [--depth 8] [--threads 2] [--max-bin 256]

Generates a HIGGS-shaped binary set with grove's train_bench (once per --data dir), trains
grove and XGBoost with eta 0.1, max_bin 256 (--max-bin), the given depth/rounds/threads, and
prints each one's training time (quantization included for both) and test AUC, and the time ratio.
Both get base_score 0.5: XGBoost 1.7's default, where grove by default estimates it from the
labels as XGBoost 2 does; the same starting point makes the AUCs comparable.
"""
import argparse
import os
import re
import subprocess
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True, help="path of the train_bench binary")
    ap.add_argument("--data", default="/tmp/grove-bench-data")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--features", type=int, default=28)
    ap.add_argument("--rounds", type=int, default=500)
    ap.add_argument("--depth", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-bin", type=int, default=256,
                    help="bins per feature for both (other values show how much the cut points "
                         "alone move the AUCs)")
    args = ap.parse_args()

    data = os.path.join(args.data, f"{args.rows}x{args.features}")
    if not os.path.exists(os.path.join(data, "test.csv")):
        os.makedirs(data, exist_ok=True)
        subprocess.run([args.bench, "generate", str(args.rows), str(args.features), data], check=True)

    params = {"objective": "binary:logistic", "eta": 0.1, "max_depth": args.depth,
              "max_bin": args.max_bin, "nthread": args.threads, "base_score": 0.5}
    out = subprocess.run(
        [args.bench, "train", data, f"num_round={args.rounds}"] +
        [f"{k}={v}" for k, v in params.items()],
        check=True, capture_output=True, text=True).stdout
    grove_seconds = float(re.search(r"grove_seconds=([0-9.]+)", out).group(1))
    grove_auc = float(re.search(r"grove_auc=([0-9.]+)", out).group(1))

    train = pd.read_csv(os.path.join(data, "train.csv"), header=None, dtype=np.float32).values
    test = pd.read_csv(os.path.join(data, "test.csv"), header=None, dtype=np.float32).values
    dtrain = xgb.DMatrix(train[:, 1:], label=train[:, 0], nthread=args.threads)
    dtest = xgb.DMatrix(test[:, 1:], label=test[:, 0], nthread=args.threads)
    start = time.perf_counter()
    bst = xgb.train(dict(params, tree_method="hist"), dtrain, num_boost_round=args.rounds)
    xgb_seconds = time.perf_counter() - start
    xgb_auc = roc_auc_score(test[:, 0], bst.predict(dtest))

    print(f"data: {args.rows} rows x {args.features} features (80% train), {args.rounds} rounds, "
          f"depth {args.depth}, eta 0.1, {args.max_bin} bins, {args.threads} threads")
    print(f"{'':10} {'seconds':>10} {'test AUC':>10}")
    print(f"{'grove':10} {grove_seconds:10.2f} {grove_auc:10.5f}")
    print(f"{'xgboost':10} {xgb_seconds:10.2f} {xgb_auc:10.5f}   (xgboost {xgb.__version__})")
    print(f"grove is {xgb_seconds / grove_seconds:.2f}x the speed of xgboost "
          f"(AUC difference {grove_auc - xgb_auc:+.5f})")


if __name__ == "__main__":
    main()
