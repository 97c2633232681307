"""Times scikit-learn 1.2.1 and XGBoost 1.7.4 on the 10M-row metric inputs of metrics_bench.cc
(same distribution: 40% positives, logit = N(0, 1) + 1.5·y - 0.6), for docs/metrics.md.

    /usr/bin/python3 bench/metrics/metrics_peers.py
"""
import time

import numpy as np
import xgboost as xgb
from sklearn.metrics import log_loss, roc_auc_score

N = 10_000_000
rng = np.random.default_rng(42)
y = (rng.random(N) < 0.4).astype(np.float32)
margin = (rng.standard_normal(N) + 1.5 * y - 0.6).astype(np.float32)
p = (1 / (1 + np.exp(-margin))).astype(np.float32)

for name, fn in (("roc_auc_score", lambda: roc_auc_score(y, p)),
                 ("log_loss", lambda: log_loss(y, p.astype(np.float64)))):
    start = time.perf_counter()
    value = fn()
    print(f"scikit-learn {name}: {time.perf_counter() - start:.2f} s ({value:.6f})")

# A Booster with no trees evaluates the margins given as base_margin (after sigmoid).
dmat = xgb.DMatrix(np.zeros((N, 1), np.float32), label=y, base_margin=margin, nthread=2)
for metric in ("auc", "logloss"):
    bst = xgb.Booster({"objective": "binary:logistic", "nthread": 2, "eval_metric": metric}, [dmat])
    bst.eval(dmat)  # warm-up: fills the prediction cache
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        line = bst.eval(dmat)
        best = min(best, time.perf_counter() - start)
    print(f"xgboost {metric} (nthread=2): {best:.2f} s  {line}")
