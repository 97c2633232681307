// Values printed by scikit-learn 1.2.1 and XGBoost 1.7.4 on fixed inputs; each constant has the
// command that printed it. XGBoost receives the predictions through base_margin (the margin
// of each prediction) and a Booster with no trees, so it evaluates exactly these inputs.
// Tolerances: 1e-12 relative where the peer computes in double; 1e-6 · max(1, |value|) where
// XGBoost evaluates each row in float (logloss, rmse, mae, mape, mphe, rmsle, poisson, gamma,
// tweedie, mlogloss) and its transform (sigmoid/exp/softmax of the margin) moves predictions
// by an ulp: row terms are O(1) and carry ~1e-7 of float rounding, which cancellation inside a
// row (gamma-deviance, tweedie) does not shrink, so the bound is absolute below 1.
#include <catch2/catch.hpp>

#include "tests/metrics/metric_test_util.h"

namespace grove::test {
namespace {

constexpr double kDouble = 1e-12;
constexpr double kFloat = 1e-6;

/// Relative tolerance, and the same absolute one for values below 1 (see the file comment).
Approx Near(double value, double tolerance) {
  return Approx(value).epsilon(tolerance).margin(tolerance);
}

TEST_CASE("binary metrics match scikit-learn and XGBoost constants", "[unit]") {
  const MetricCase c{{0.875f, 0.75f, 0.25f, 0.25f, 0.125f, 0.5f, 0.5f},
                     {1, 1, 1, 0, 0, 1, 0},
                     {1, 2, 1, 2, 1, 0.5f, 3}};
  // /usr/bin/python3 -c "from sklearn.metrics import roc_auc_score as f;
  //   print(repr(f([1,1,1,0,0,1,0],[.875,.75,.25,.25,.125,.5,.5],sample_weight=[1,2,1,2,1,.5,3])))"
  CHECK(Evaluate("auc", c) == Approx(0.8240740740740741).epsilon(kDouble));
  // /usr/bin/python3 -c "import numpy as np,xgboost as x;p=np.array([.875,.75,.25,.25,.125,.5,
  //   .5],np.float32);d=x.DMatrix(np.zeros((7,1)),label=[1,1,1,0,0,1,0],weight=[1,2,1,2,1,.5,
  //   3],base_margin=np.log(p/(1-p)));b=x.Booster({'objective':'binary:logistic'},[d]);
  //   [b.set_param('eval_metric',m) for m in ('aucpr','auc','logloss','error@0.3')];
  //   print(b.eval(d))"
  CHECK(Evaluate("aucpr", c) == Approx(0.85721175497504931).epsilon(kDouble));
  CHECK(Evaluate("logloss", c) == Near(0.49810479794229778, kFloat));
  CHECK(Evaluate("error@0.3", c) == Approx(0.38095238095238093).epsilon(kDouble));
}

TEST_CASE("class decision metrics match scikit-learn constants", "[unit]") {
  // Binary: p > .5 gives the predicted classes [1,1,0,1,0,0,0].
  const MetricCase b{{0.75f, 0.625f, 0.25f, 0.875f, 0.125f, 0.5f, 0.375f},
                     {1, 0, 1, 1, 0, 0, 1},
                     {1, 2, 1, 3, 1, 2, 0.5f}};
  // /usr/bin/python3 -c "from sklearn.metrics import f1_score as f,precision_score as p,
  //   recall_score as r,balanced_accuracy_score as b;y=[1,0,1,1,0,0,1];q=[1,1,0,1,0,0,0];
  //   w=[1,2,1,3,1,2,.5];print([repr(v) for v in (f(y,q,sample_weight=w),p(y,q,
  //   sample_weight=w),r(y,q,sample_weight=w),f(y,q,average='macro',sample_weight=w),
  //   b(y,q,sample_weight=w))])"
  CHECK(Evaluate("f1_binary", b) == Approx(0.6956521739130435).epsilon(kDouble));
  CHECK(Evaluate("precision", b) == Approx(0.6666666666666666).epsilon(kDouble));
  CHECK(Evaluate("recall", b) == Approx(0.7272727272727273).epsilon(kDouble));
  CHECK(Evaluate("f1", b) == Approx(0.6636155606407322).epsilon(kDouble));
  CHECK(Evaluate("balanced_accuracy", b) == Approx(0.6636363636363636).epsilon(kDouble));

  // Four classes; each row puts .625 on its predicted class q = [0,2,2,1,1,0,3,0].
  const std::vector<int> q = {0, 2, 2, 1, 1, 0, 3, 0};
  MetricCase m{{}, {0, 1, 2, 2, 1, 0, 3, 3}, {1, 2, 1, 3, 1, 2, 1, 1}, {}, 4};
  for (int cls : q) {
    for (int k = 0; k < 4; ++k) m.predictions.push_back(k == cls ? 0.625f : 0.125f);
  }
  // /usr/bin/python3 -c "from sklearn.metrics import f1_score as f,precision_score as p,
  //   recall_score as r,balanced_accuracy_score as b,accuracy_score as a;y=[0,1,2,2,1,0,3,3];
  //   q=[0,2,2,1,1,0,3,0];w=[1,2,1,3,1,2,1,1];print([repr(v) for v in (f(y,q,average='macro',
  //   sample_weight=w),p(y,q,average='macro',sample_weight=w),r(y,q,average='macro',
  //   sample_weight=w),p(y,q,average='micro',sample_weight=w),b(y,q,sample_weight=w),
  //   a(y,q,sample_weight=w))])"
  CHECK(Evaluate("f1_macro", m) == Approx(0.5238095238095238).epsilon(kDouble));
  CHECK(Evaluate("precision_macro", m) == Approx(0.5833333333333333).epsilon(kDouble));
  CHECK(Evaluate("recall_macro", m) == Approx(0.5208333333333333).epsilon(kDouble));
  CHECK(Evaluate("precision_micro", m) == Approx(0.5).epsilon(kDouble));
  CHECK(Evaluate("balanced_accuracy", m) == Approx(0.5208333333333333).epsilon(kDouble));
  CHECK(Evaluate("accuracy", m) == Approx(0.5).epsilon(kDouble));
}

TEST_CASE("multi-class metrics match scikit-learn and XGBoost constants", "[unit]") {
  const MetricCase c{{0.5f, 0.25f, 0.25f, 0.25f, 0.5f, 0.25f, 0.25f, 0.25f, 0.5f, 0.25f, 0.5f,
                      0.25f, 0.125f, 0.125f, 0.75f, 0.5f, 0.375f, 0.125f},
                     {0, 1, 2, 0, 2, 1},
                     {1, 2, 1, 1, 3, 1},
                     {},
                     3};
  // /usr/bin/python3 -c "import numpy as np;from sklearn.metrics import roc_auc_score as f;
  //   P=np.array([[.5,.25,.25],[.25,.5,.25],[.25,.25,.5],[.25,.5,.25],[.125,.125,.75],
  //   [.5,.375,.125]]);print(repr(f([0,1,2,0,2,1],P,multi_class='ovr',average='weighted',
  //   sample_weight=[1,2,1,1,3,1])))"
  CHECK(Evaluate("auc", c) == Approx(0.9153439153439152).epsilon(kDouble));
  const MetricCase x{
      {0.5f, 0.25f, 0.25f, 0.25f, 0.5f, 0.25f, 0.125f, 0.125f, 0.75f, 0.5f, 0.375f, 0.125f},
      {0, 1, 2, 1},
      {1, 2, 1, 3},
      {},
      3};
  // /usr/bin/python3 -c "import numpy as np,xgboost as x;P=np.array([[.5,.25,.25],[.25,.5,.25],
  //   [.125,.125,.75],[.5,.375,.125]]);d=x.DMatrix(np.zeros((4,1)),label=[0,1,2,1],
  //   weight=[1,2,1,3],base_margin=np.log(P));b=x.Booster({'objective':'multi:softprob',
  //   'num_class':3},[d]);[b.set_param('eval_metric',m) for m in ('mlogloss','merror')];
  //   print(b.eval(d))"
  CHECK(Evaluate("mlogloss", x) == Near(0.75851589441299438, kFloat));
  CHECK(Evaluate("merror", x) == Approx(0.42857142857142855).epsilon(kDouble));
}

TEST_CASE("regression metrics match scikit-learn and XGBoost constants", "[unit]") {
  const MetricCase c{{2.5f, 0, 2, 8, 4}, {3, -0.5f, 2, 7, 4.25f}, {1, 2, 0.5f, 1, 3}};
  // /usr/bin/python3 -c "from sklearn.metrics import r2_score as r,mean_squared_error as m;
  //   y=[3,-.5,2,7,4.25];p=[2.5,0,2,8,4];w=[1,2,.5,1,3];print(repr(r(y,p,sample_weight=w)),
  //   repr(m(y,p,sample_weight=w)))"
  CHECK(Evaluate("r2", c) == Approx(0.9575846027547205).epsilon(kDouble));
  CHECK(Evaluate("mse", c) == Approx(0.25833333333333336).epsilon(kDouble));
  // /usr/bin/python3 -c "import numpy as np,xgboost as x;d=x.DMatrix(np.zeros((5,1)),
  //   label=[3,.5,2,7,4.25],weight=[1,2,.5,1,3],base_margin=[2.5,0,2,8,4]);
  //   b=x.Booster({'objective':'reg:squarederror'},[d]);[b.set_param('eval_metric',m) for m in
  //   ('rmse','mae','mape','mphe','rmsle')];print(b.eval(d))"
  // (label .5 instead of -.5 in row 1, so that mape and rmsle are defined there too)
  MetricCase r = c;
  r.labels[1] = 0.5f;
  CHECK(Evaluate("rmse", r) == Near(0.50826502273256358, kFloat));
  CHECK(Evaluate("mae", r) == Near(0.43333333333333335, kFloat));
  CHECK(Evaluate("mape", r) == Near(0.33146592179934181, kFloat));
  CHECK(Evaluate("mphe", r) == Near(0.11475262641906739, kFloat));
  CHECK(Evaluate("rmsle", r) == Near(0.22140424115255172, kFloat));
}

TEST_CASE("count, gamma and tweedie metrics match XGBoost constants", "[unit]") {
  const std::vector<float> mu = {0.5f, 2, 1, 4, 3};
  const std::vector<float> w = {1, 2, 0.5f, 1, 3};
  // /usr/bin/python3 -c "import numpy as np,xgboost as x;mu=np.array([.5,2,1,4,3]);
  //   d=x.DMatrix(np.zeros((5,1)),label=[0,3,1,2,5],weight=[1,2,.5,1,3],base_margin=np.log(mu));
  //   b=x.Booster({'objective':'count:poisson'},[d]);b.set_param('eval_metric',
  //   'poisson-nloglik');print(b.eval(d))"
  CHECK(Evaluate("poisson-nloglik", {mu, {0, 3, 1, 2, 5}, w}) == Near(1.76379801432291661, kFloat));
  // /usr/bin/python3 -c "import numpy as np,xgboost as x;mu=np.array([.5,2,1,4,3]);
  //   d=x.DMatrix(np.zeros((5,1)),label=[.25,3,1,2,5],weight=[1,2,.5,1,3],
  //   base_margin=np.log(mu));b=x.Booster({'objective':'reg:gamma'},[d]);
  //   [b.set_param('eval_metric',m) for m in ('gamma-deviance','gamma-nloglik')];print(b.eval(d))"
  const MetricCase g{mu, {0.25f, 3, 1, 2, 5}, w};
  CHECK(Evaluate("gamma-deviance", g) == Near(0.27810297012329099, kFloat));
  CHECK(Evaluate("gamma-nloglik", g) == Near(1.98337052663167324, kFloat));
  // /usr/bin/python3 -c "import numpy as np,xgboost as x;mu=np.array([.5,2,1,4,3]);
  //   d=x.DMatrix(np.zeros((5,1)),label=[0,3,1,0,5],weight=[1,2,.5,1,3],base_margin=np.log(mu));
  //   b=x.Booster({'objective':'reg:tweedie'},[d]);[b.set_param('eval_metric',m) for m in
  //   ('tweedie-nloglik@1.5','tweedie-nloglik@1.2')];print(b.eval(d))"
  const MetricCase t{mu, {0, 3, 1, 0, 5}, w};
  CHECK(Evaluate("tweedie-nloglik@1.5", t) == Near(6.56922154426574689, kFloat));
  CHECK(Evaluate("tweedie-nloglik@1.2", t) == Near(14.31172416210174525, kFloat));
}

TEST_CASE("ranking metrics match XGBoost constants", "[unit]") {
  const MetricCase c{{0.5f, 0.5f, 0.25f, 0.875f, 0.125f, 0.375f, 0.375f, 0.375f, 0.125f},
                     {2, 1, 0, 0, 1, 3, 0, 0, 0},
                     {},
                     {0, 6, 9}};
  // /usr/bin/python3 -c "import numpy as np,xgboost as x;d=x.DMatrix(np.zeros((9,1)),
  //   label=[2,1,0,0,1,3,0,0,0],base_margin=[.5,.5,.25,.875,.125,.375,.375,.375,.125]);
  //   d.set_group([6,3]);b=x.Booster({'objective':'rank:pairwise'},[d]);
  //   [b.set_param('eval_metric',m) for m in ('ndcg','ndcg@2','ndcg@3-','ndcg-','map','map@2',
  //   'map-','map@2-')];print(b.eval(d))"
  CHECK(Evaluate("ndcg", c) == Approx(0.79336552193792853).epsilon(kDouble));
  CHECK(Evaluate("ndcg@2", c) == Approx(0.60642269850451402).epsilon(kDouble));
  CHECK(Evaluate("ndcg@3-", c) == Approx(0.12737373288690113).epsilon(kDouble));
  CHECK(Evaluate("ndcg-", c) == Approx(0.29336552193792848).epsilon(kDouble));
  CHECK(Evaluate("map", c) == Approx(0.82291666666666663).epsilon(kDouble));
  CHECK(Evaluate("map@2", c) == Approx(0.5625).epsilon(kDouble));
  CHECK(Evaluate("map-", c) == Approx(0.32291666666666663).epsilon(kDouble));
  CHECK(Evaluate("map@2-", c) == Approx(0.0625).epsilon(kDouble));
  // /usr/bin/python3 -c "import numpy as np,xgboost as x;d=x.DMatrix(np.zeros((9,1)),
  //   label=[1,1,0,0,1,1,0,0,0],base_margin=[.5,.5,.25,.875,.125,.375,.375,.375,.125]);
  //   d.set_group([6,3]);b=x.Booster({'objective':'rank:pairwise'},[d]);
  //   [b.set_param('eval_metric',m) for m in ('auc','aucpr')];print(b.eval(d))"
  MetricCase b = c;
  b.labels = {1, 1, 0, 0, 1, 1, 0, 0, 0};
  CHECK(Evaluate("auc", b) == Approx(0.66666666666666674).epsilon(kDouble));
  CHECK(Evaluate("aucpr", b) == Approx(0.56226563132305007).epsilon(kDouble));
}

}  // namespace
}  // namespace grove::test
