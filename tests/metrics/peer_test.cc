// [peer] Random inputs, generated here, evaluated by grove and in the same run by XGBoost 1.7.4
// and scikit-learn 1.2.1 (Debian's /usr/bin/python3).
//
// XGBoost sees the inputs through a Booster with no trees on a DMatrix whose base_margin holds
// the margins (so its prediction is the transformed margin: sigmoid, exp, softmax) and prints
// each metric with 17 significant digits. Python writes the float32 predictions XGBoost
// evaluated, and grove evaluates exactly those. The printed metric names must match too.
//
// Tolerance: |grove - peer| <= tol · max(1, |peer|). tol = 1e-9 where the peer computes in
// double (auc, aucpr, error, merror, ndcg, map and every scikit-learn score): only the
// summation order differs. tol = 1e-6 where XGBoost evaluates each row in float (logloss,
// mlogloss, rmse, mae, mape, rmsle, mphe, poisson/gamma/tweedie) and grove in double: a row
// term carries float rounding of ~1e-7 of its parts (for gamma-deviance and tweedie these
// parts are O(1) and cancel), which the mean keeps at that scale.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "tests/metrics/metric_test_util.h"
#include "tests/test_util.h"

namespace grove::test {
namespace {

struct Scenario {
  Scenario(std::string n, std::string obj, std::string more = "{}")
      : name(std::move(n)), objective(std::move(obj)), extra(std::move(more)) {}
  std::string name;
  std::string objective;
  std::string extra;  // more Booster parameters, a Python dict literal
  MetricCase data;    // predictions: the margins, replaced by XGBoost's output
  std::vector<std::uint32_t> group_sizes;
  std::vector<std::string> metrics;  // evaluated by XGBoost on the whole DMatrix
  bool sklearn = false;              // also compare the scikit-learn scores
  bool per_group = false;            // weighted ranking: XGBoost per group, weighted mean
  bool float_products = false;       // XGBoost forms label·weight in float (soft labels)
};

template <class T>
void WriteRaw(const std::filesystem::path& path, const std::vector<T>& values) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(T)));
}

std::vector<float> ReadFloats(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::vector<float> values(bytes / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(bytes));
  return values;
}

float Quantize(float x, float step) {
  return std::round(x / step) * step;
}

Scenario Binary(std::mt19937_64& rng, std::size_t n, bool weighted, bool soft) {
  Scenario s{soft ? "binary_soft" : weighted ? "binary" : "binary_unweighted", "binary:logistic"};
  std::normal_distribution<float> normal(0.0f, 1.5f);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const float y = soft ? Quantize(uniform(rng), 0.25f) : (uniform(rng) < 0.3f ? 1.0f : 0.0f);
    float margin = Quantize(normal(rng) + (y > 0.5f ? 0.8f : 0.0f), 0.125f);  // many ties
    if (i % 200 == 7) margin = i % 400 == 7 ? 40.0f : -40.0f;  // p == 1 and p ~ 4e-18: clipping
    s.data.labels.push_back(y);
    s.data.predictions.push_back(margin);
    if (weighted) s.data.weights.push_back(0.2f + 1.8f * uniform(rng));
  }
  s.metrics = {"auc", "aucpr", "logloss", "error", "error@0.3", "error@0.75"};
  s.sklearn = !soft;
  s.float_products = soft && weighted;
  return s;
}

Scenario MultiClass(std::mt19937_64& rng, std::size_t n, std::size_t k, bool weighted) {
  Scenario s{weighted ? "multi" : "multi_unweighted", "multi:softprob",
             fmt::format("{{'num_class': {}}}", k)};
  s.data.num_outputs = k;
  std::discrete_distribution<int> label({4, 3, 2, 1, 1, 1});
  std::uniform_int_distribution<int> level(0, 4);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  const float levels[] = {-1.0f, 0.0f, 0.5f, 1.0f, 2.0f};  // few distinct rows: ties
  for (std::size_t i = 0; i < n; ++i) {
    const int y = label(rng) % static_cast<int>(k);
    s.data.labels.push_back(static_cast<float>(y));
    for (std::size_t c = 0; c < k; ++c) {
      float margin = levels[level(rng)] + (static_cast<int>(c) == y ? 0.5f : 0.0f);
      if (i % 250 == 3 && c == (i / 250) % k) margin = 40.0f;  // p(label) can underflow eps
      s.data.predictions.push_back(margin);
    }
    if (weighted) s.data.weights.push_back(0.2f + 1.8f * uniform(rng));
  }
  s.metrics = {"auc", "aucpr", "mlogloss", "merror"};
  s.sklearn = true;
  return s;
}

Scenario Regression(std::mt19937_64& rng, std::size_t n) {
  Scenario s{"regression", "reg:squarederror"};
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(0.2f, 2.0f);
  for (std::size_t i = 0; i < n; ++i) {
    float y = 3.0f + 2.0f * normal(rng);
    if (std::abs(y) < 0.1f || y < -0.9f) y = 0.5f;  // mape divides by y, rmsle needs y > -1
    s.data.labels.push_back(y);
    s.data.predictions.push_back(std::max(-0.9f, y + normal(rng)));
    s.data.weights.push_back(uniform(rng));
  }
  s.metrics = {"rmse", "mae", "mape", "rmsle", "mphe"};
  s.sklearn = true;
  return s;
}

/// count:poisson, reg:gamma or reg:tweedie data: margins log(μ), labels drawn around μ.
Scenario LogLink(std::mt19937_64& rng, std::size_t n, const std::string& objective) {
  Scenario s{objective.substr(objective.find(':') + 1), objective};
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double mu = std::exp(normal(rng));
    double y = 0;
    if (objective == "count:poisson") {
      y = std::poisson_distribution<int>(mu)(rng);
    } else if (objective == "reg:gamma") {
      y = std::gamma_distribution<double>(2.0, mu / 2.0)(rng) + 1e-3;
    } else {
      y = uniform(rng) < 0.3 ? 0.0 : std::gamma_distribution<double>(2.0, mu / 2.0)(rng);
    }
    s.data.labels.push_back(static_cast<float>(y));
    s.data.predictions.push_back(static_cast<float>(std::log(mu) + 0.3 * normal(rng)));
    s.data.weights.push_back(static_cast<float>(0.2 + 1.8 * uniform(rng)));
  }
  if (objective == "count:poisson") s.metrics = {"poisson-nloglik"};
  if (objective == "reg:gamma") s.metrics = {"gamma-deviance", "gamma-nloglik"};
  if (objective == "reg:tweedie") {
    s.extra = "{'tweedie_variance_power': 1.5}";
    s.metrics = {"tweedie-nloglik@1.5", "tweedie-nloglik@1.2", "tweedie-nloglik@1.8"};
  }
  return s;
}

Scenario Ranking(std::mt19937_64& rng, const std::string& name, bool binary, bool weighted) {
  Scenario s{name, "rank:pairwise"};
  std::uniform_int_distribution<std::uint32_t> size(3, 40);
  std::discrete_distribution<int> grade({6, 3, 2, 1, 1});
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(0.2f, 2.0f);
  s.data.groups = {0};
  for (int g = 0; g < 80; ++g) {
    const std::uint32_t rows = g == 0 ? 1 : g == 1 ? 2 : size(rng);  // tiny groups included
    const bool no_relevant = g % 9 == 4;
    for (std::uint32_t i = 0; i < rows; ++i) {
      const int rel = no_relevant ? 0 : grade(rng);
      s.data.labels.push_back(static_cast<float>(binary ? (rel > 0 ? 1 : 0) : rel));
      s.data.predictions.push_back(Quantize(normal(rng) + 0.3f * rel, 0.25f));
    }
    s.group_sizes.push_back(rows);
    s.data.groups.push_back(s.data.groups.back() + rows);
    if (weighted) s.data.weights.push_back(uniform(rng));
  }
  s.metrics = {"ndcg", "ndcg@5", "ndcg@3-", "ndcg-", "map", "map@5", "map-", "map@3-", "auc"};
  if (binary) s.metrics.push_back("aucpr");
  s.per_group = weighted;
  return s;
}

std::string PythonScript(const std::filesystem::path& dir, const std::vector<Scenario>& all) {
  std::string specs;
  for (const Scenario& s : all) {
    std::string metrics;
    for (const std::string& m : s.metrics) metrics += fmt::format("'{}', ", m);
    specs += fmt::format(
        "  dict(name='{}', objective='{}', extra={}, k={}, weights={}, groups={}, metrics=[{}], "
        "sk={}, per_group={}),\n",
        s.name, s.objective, s.extra, s.data.num_outputs, s.data.weights.empty() ? "False" : "True",
        s.group_sizes.empty() ? "False" : "True", metrics, s.sklearn ? "True" : "False",
        s.per_group ? "True" : "False");
  }
  return fmt::format(R"PY(
import numpy as np, xgboost as xgb, warnings
from sklearn import metrics as skm
warnings.simplefilter('ignore')
xgb.set_config(verbosity=0)
D = '{}'
SCENARIOS = [
{}]
def load(name, dtype=np.float32):
    return np.fromfile(f'{{D}}/{{name}}', dtype=dtype)
def xgb_eval(s, y, margin, w, sizes):
    dm = xgb.DMatrix(np.zeros((len(y), 1), np.float32), label=y, weight=w, base_margin=margin)
    if sizes is not None:
        dm.set_group(sizes)
    bst = xgb.Booster(dict(objective=s['objective'], **s['extra']), [dm])
    for m in s['metrics']:
        bst.set_param('eval_metric', m)
    fields = bst.eval(dm, 'e').split('\t')[1:]
    return bst.predict(dm), [f[2:].rsplit(':', 1) for f in fields]
def sk_scores(s, y, P, w):
    if s['objective'] == 'reg:squarederror':
        return dict(r2=skm.r2_score(y, P, sample_weight=w), mse=skm.mean_squared_error(y, P, sample_weight=w))
    k, yi = s['k'], y.astype(int)
    q = (P > 0.5).astype(int) if k == 1 else P.argmax(axis=1)
    r = dict(accuracy=skm.accuracy_score(yi, q, sample_weight=w),
             balanced_accuracy=skm.balanced_accuracy_score(yi, q, sample_weight=w))
    for name, f in (('f1', skm.f1_score), ('precision', skm.precision_score), ('recall', skm.recall_score)):
        r[name + '_macro'] = f(yi, q, average='macro', sample_weight=w)
        if name != 'f1':
            r[name + '_micro'] = f(yi, q, average='micro', sample_weight=w)
        if k == 1:
            r['f1_binary' if name == 'f1' else name] = f(yi, q, average='binary', sample_weight=w)
    r['f1'] = r['f1_macro']
    if k == 1:
        r['auc'] = skm.roc_auc_score(yi, P, sample_weight=w)
    else:
        r['auc'] = skm.roc_auc_score(yi, P.astype(np.float64), multi_class='ovr', average='weighted',
                                     sample_weight=w, labels=list(range(k)))
    return r
for s in SCENARIOS:
    n = s['name']
    y, margin = load(n + '.label'), load(n + '.margin')
    if s['k'] > 1:
        margin = margin.reshape(len(y), s['k'])
    w = load(n + '.weight').astype(np.float64) if s['weights'] else None
    sizes = load(n + '.sizes', np.uint32) if s['groups'] else None
    P, printed = xgb_eval(s, y, margin, None if s['per_group'] else w, sizes)
    P.astype(np.float32).tofile(f'{{D}}/{{n}}.pred')
    if s['per_group']:
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        per = {{m: [] for m in s['metrics']}}
        for g in range(len(sizes)):
            rows = slice(starts[g], starts[g + 1])
            _, vals = xgb_eval(s, y[rows], margin[rows], None, [sizes[g]])
            for m, (name, v) in zip(s['metrics'], vals):
                per[m].append(float(v))
        for m, (name, _) in zip(s['metrics'], printed):
            v = np.array(per[m]); ok = ~np.isnan(v)
            print('xgb', n, m, name, repr(float(np.sum(w[ok] * v[ok]) / np.sum(w[ok]))))
    else:
        for m, (name, v) in zip(s['metrics'], printed):
            print('xgb', n, m, name, v)
    if s['sk']:
        for m, v in sk_scores(s, y, P.astype(np.float64), w).items():
            print('sk', n, m, m, repr(float(v)))
)PY",
                     dir.string(), specs);
}

bool FloatComputed(const std::string& metric) {
  for (const char* name : {"logloss", "mlogloss", "rmse", "mae", "mape", "rmsle", "mphe",
                           "poisson-nloglik", "gamma-deviance", "gamma-nloglik", "tweedie"}) {
    if (metric.rfind(name, 0) == 0) return true;
  }
  return false;
}

TEST_CASE("every metric agrees with XGBoost 1.7.4 and scikit-learn 1.2.1", "[peer]") {
  std::mt19937_64 rng(20240229);
  std::vector<Scenario> all;
  all.push_back(Binary(rng, 4000, true, false));
  all.push_back(Binary(rng, 3000, false, false));
  all.push_back(Binary(rng, 2000, true, true));
  all.push_back(MultiClass(rng, 3000, 4, true));
  all.push_back(MultiClass(rng, 2000, 3, false));
  all.push_back(Regression(rng, 3000));
  all.push_back(LogLink(rng, 3000, "count:poisson"));
  all.push_back(LogLink(rng, 3000, "reg:gamma"));
  all.push_back(LogLink(rng, 3000, "reg:tweedie"));
  all.push_back(Ranking(rng, "rank", false, false));
  all.push_back(Ranking(rng, "rank_binary", true, false));
  all.push_back(Ranking(rng, "rank_weighted", true, true));

  TempDir dir;
  std::map<std::string, Scenario*> by_name;
  for (Scenario& s : all) {
    WriteRaw(dir / (s.name + ".label"), s.data.labels);
    WriteRaw(dir / (s.name + ".margin"), s.data.predictions);
    if (!s.data.weights.empty()) WriteRaw(dir / (s.name + ".weight"), s.data.weights);
    if (!s.group_sizes.empty()) WriteRaw(dir / (s.name + ".sizes"), s.group_sizes);
    by_name[s.name] = &s;
  }
  std::istringstream lines(RunPython(PythonScript(dir.path(), all)));
  for (Scenario& s : all) {
    s.data.predictions = ReadFloats(dir / (s.name + ".pred"));
    REQUIRE(s.data.predictions.size() == s.data.labels.size() * s.data.num_outputs);
  }
  std::size_t compared = 0;
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string source, scenario, requested, printed, text;
    fields >> source >> scenario >> requested >> printed >> text;
    if (source != "xgb" && source != "sk") continue;  // XGBoost may log to stdout
    INFO("python printed: " << line);
    REQUIRE(by_name.count(scenario) == 1);
    const Scenario& s = *by_name[scenario];
    const auto metric = CreateMetric(requested);
    CHECK(metric->Name() == printed);
    const double peer = std::stod(text);
    const double ours = metric->Evaluate(s.data.Input());
    const bool in_float = source == "xgb" && (FloatComputed(requested) || s.float_products);
    const double tol = (in_float ? 1e-6 : 1e-9) * std::max(1.0, std::abs(peer));
    if (std::isnan(peer)) {
      CHECK(std::isnan(ours));
    } else {
      CHECK(std::abs(ours - peer) <= tol);
    }
    ++compared;
  }
  // 6·3 binary + 4·2 multi + 5 + 1 + 2 + 3 + 9 + 10 + 10 XGBoost values, 12·2 + 9·2 + 2
  // scikit-learn values.
  CHECK(compared == 18 + 8 + 5 + 1 + 2 + 3 + 9 + 10 + 10 + 24 + 18 + 2);
}

}  // namespace
}  // namespace grove::test
