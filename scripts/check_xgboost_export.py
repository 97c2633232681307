#!/usr/bin/env python3
"""Checks grove's XGBoost model files against any XGBoost release (not part of CI).

The tests run against Debian's XGBoost 1.7.4. This script repeats the two directions with the
XGBoost that `python` imports, e.g. the newest release from PyPI in a virtual environment:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install xgboost numpy scipy
    /tmp/venv/bin/python scripts/check_xgboost_export.py --grove build/release/bin/grove

1. grove trains (`grove fit`) and writes `xgboost-model`; XGBoost loads it and predicts margins
   and outputs for held-out rows with missing values; they must equal `grove predict`'s.
2. XGBoost trains and saves JSON and UBJSON; `grove predict` must reproduce its predictions.

Predictions cross as text with 9 significant digits, which identifies a float32 exactly.
Exit status 0 when every comparison is bit-identical, 1 otherwise.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import xgboost as xgb

CASES = [
    # name, grove hyperparameters, label maker
    ("binary:logistic", {"objective": "binary:logistic", "num_round": "20", "max_depth": "5"},
     lambda y: (y > 14).astype(np.float32)),
    ("reg:squarederror", {"objective": "reg:squarederror", "num_round": "20"}, lambda y: y),
    ("count:poisson", {"objective": "count:poisson", "num_round": "20"},
     lambda y: np.floor(np.maximum(y, 0) / 4)),
    ("reg:tweedie", {"objective": "reg:tweedie", "num_round": "20"},
     lambda y: np.maximum(y - 14, 0)),
    ("multi:softprob", {"objective": "multi:softprob", "num_class": "3", "num_round": "10"},
     lambda y: np.digitize(y, [12, 16]).astype(np.float32)),
]


def friedman1(rows, rng):
    x = rng.uniform(size=(rows, 10)).astype(np.float32)
    y = (10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3]
         + 5 * x[:, 4] + rng.normal(size=rows)).astype(np.float32)
    x[rng.uniform(size=x.shape) < 0.1] = np.nan
    return x, y


def write_csv(path, x, y=None):
    data = x if y is None else np.column_stack([y, x])
    np.savetxt(path, data, delimiter=",", fmt="%.9g")  # "nan" cells are missing for grove


def grove(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def read_predictions(text):
    return np.array([[np.float32(v) for v in line.split(",")] for line in text.split()],
                    dtype=np.float32)


def same_bits(name, ours, theirs):
    ours = np.asarray(ours, dtype=np.float32).reshape(-1)
    theirs = np.asarray(theirs, dtype=np.float32).reshape(-1)
    if ours.shape == theirs.shape and np.array_equal(ours.view(np.uint32), theirs.view(np.uint32)):
        print(f"  ok    {name}: {ours.size} values bit-identical")
        return True
    differ = np.flatnonzero(ours.view(np.uint32) != theirs.view(np.uint32)) \
        if ours.shape == theirs.shape else []
    print(f"  FAIL  {name}: shapes {ours.shape} vs {theirs.shape}, {len(differ)} values differ")
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grove", required=True, help="path of the grove binary")
    args = parser.parse_args()
    print(f"XGBoost {xgb.__version__}, numpy {np.__version__}")
    rng = np.random.default_rng(7)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        x, raw = friedman1(3000, rng)
        test_x = x[2400:]
        write_csv(os.path.join(tmp, "test.csv"), test_x)
        dtest = xgb.DMatrix(test_x, missing=np.nan)
        for name, params, label in CASES:
            y = label(raw)
            case = os.path.join(tmp, name.replace(":", "_"))
            os.makedirs(case)
            write_csv(os.path.join(case, "train.csv"), x[:2400], y[:2400])
            print(f"{name}")
            # 1. grove -> XGBoost
            flags = [f"--{k}={v}" for k, v in params.items()]
            grove(args.grove, "fit", "--train", os.path.join(case, "train.csv"),
                  "--model-dir", os.path.join(case, "model"), *flags)
            model_file = os.path.join(case, "model", "xgboost-model")
            booster = xgb.Booster(model_file=model_file)
            for margin in (True, False):
                theirs = booster.predict(dtest, output_margin=margin)
                extra = ["--output-margin"] if margin else []
                ours = read_predictions(grove(args.grove, "predict", "--model", model_file,
                                              "--input", os.path.join(tmp, "test.csv"), *extra))
                ok &= same_bits(f"export, {'margin' if margin else 'output'}", ours, theirs)
            # 2. XGBoost -> grove
            xgb_params = {k: (int(v) if v.isdigit() else v) for k, v in params.items()
                          if k != "num_round"}
            dtrain = xgb.DMatrix(x[:2400], label=y[:2400], missing=np.nan)
            trained = xgb.train(xgb_params, dtrain, num_boost_round=int(params["num_round"]))
            for ext in ("json", "ubj"):
                path = os.path.join(case, f"theirs.{ext}")
                trained.save_model(path)
                for margin in (True, False):
                    theirs = trained.predict(dtest, output_margin=margin)
                    extra = ["--output-margin"] if margin else []
                    ours = read_predictions(grove(args.grove, "predict", "--model", path,
                                                  "--input", os.path.join(tmp, "test.csv"),
                                                  *extra))
                    ok &= same_bits(f"import .{ext}, {'margin' if margin else 'output'}", ours,
                                    theirs)
    print("all bit-identical" if ok else "DIFFERENCES FOUND")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
