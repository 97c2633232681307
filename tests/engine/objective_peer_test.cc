// Objectives against xgboost 1.7.4 (Debian's python3-xgboost), bit for bit.
//
// XGBoost has no API that returns a built-in objective's gradients, so they are read from a
// one-round model instead: for each row alone (a one-row DMatrix with its margin as base_margin)
// a hist tree with eta = 1, lambda = alpha = 0 and min_child_weight = 0 is just a root, whose
// stored `sum_hessian` is the row's hessian h and whose `base_weights` is float(-g / h) computed
// in double (CalcWeight; clipped to +-max_delta_step when that is set). Comparing both with
// grove's pair checks h exactly and g up to the division, which is exact for these inputs.
// Transforms are read from a 0-round model's predictions with base_margin; reg:absoluteerror's
// adaptive leaf from a root-only tree over many rows; its base score from the saved config
// (1.7.4 estimates it for this objective only); default metrics from evals_result().
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/src/objective.h"
#include "grove/params.h"
#include "test_util.h"

namespace grove {
namespace {

struct Row {
  std::vector<float> margins;  // num_class entries
  float label = 0.0f;
  float weight = 1.0f;
};

struct PeerCase {
  std::string objective;
  std::map<std::string, double> params;  // extra XGBoost parameters, also set on TrainParams
  int num_class = 1;
  std::vector<Row> rows;
};

std::string Hex(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%a", value);
  return std::string("float.fromhex('") + buffer + "')";
}

TrainParams ParamsOf(const PeerCase& c) {
  TrainParams params;
  params.objective = c.objective;
  if (c.num_class > 1) params.num_class = c.num_class;
  for (const auto& [key, value] : c.params) {
    if (key == "scale_pos_weight") params.scale_pos_weight = value;
    if (key == "huber_slope") params.huber_slope = value;
    if (key == "tweedie_variance_power") params.tweedie_variance_power = value;
    if (key == "max_delta_step") params.max_delta_step = value;
  }
  return params;
}

// The cases as a Python list literal: [(objective, {params}, num_class, [(margins, y, w)])].
std::string PythonCases(const std::vector<PeerCase>& cases) {
  std::ostringstream out;
  out << "[";
  for (const PeerCase& c : cases) {
    out << "('" << c.objective << "', {";
    for (const auto& [key, value] : c.params) out << "'" << key << "': " << Hex(value) << ", ";
    out << "}, " << c.num_class << ", [";
    for (const Row& row : c.rows) {
      out << "([";
      for (const float m : row.margins) out << Hex(m) << ", ";
      out << "], " << Hex(row.label) << ", " << Hex(row.weight) << "), ";
    }
    out << "]),\n";
  }
  out << "]";
  return out.str();
}

const char* const kPythonPrelude = R"(
import json
import numpy as np
import xgboost as xgb

def f32hex(v):
    return float(np.float32(v)).hex()

def dmatrix(rows, k, weighted=True):
    n = len(rows)
    return xgb.DMatrix(np.zeros((n, 1), np.float32),
                       label=np.array([r[1] for r in rows], np.float32),
                       weight=np.array([r[2] for r in rows], np.float32) if weighted else None,
                       base_margin=np.array([m for r in rows for m in r[0]], np.float32))

def params(objective, extra, k):
    p = {'objective': objective, 'eta': 1.0, 'lambda': 0.0, 'alpha': 0.0,
         'min_child_weight': 0.0, 'max_depth': 1, 'tree_method': 'hist', 'nthread': 1}
    if k > 1:
        p['num_class'] = k
    p.update(extra)
    return p

def trees(booster):
    return json.loads(booster.save_raw('json'))['learner']['gradient_booster']['model']['trees']
)";

// The script's result lines start with "@ " (XGBoost writes its warnings to stdout too).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("@ ")) lines.push_back(line.substr(2));
  }
  return lines;
}

float ParseHex(const std::string& text) {
  return static_cast<float>(std::strtod(text.c_str(), nullptr));
}

std::vector<PeerCase> GradientCases() {
  std::mt19937 rng(20240501);
  auto uniform = [&](float lo, float hi) {
    return std::uniform_real_distribution<float>(lo, hi)(rng);
  };
  auto make = [&](const std::string& objective, std::map<std::string, double> extra, int k,
                  auto label_of, float margin_lo, float margin_hi) {
    PeerCase c{objective, std::move(extra), k, {}};
    for (int i = 0; i < 10; ++i) {
      Row row;
      for (int j = 0; j < k; ++j) row.margins.push_back(uniform(margin_lo, margin_hi));
      row.label = label_of(i);
      row.weight = i % 3 == 0 ? 1.0f : uniform(0.2f, 3.0f);
      c.rows.push_back(row);
    }
    return c;
  };
  auto binary = [](int i) { return static_cast<float>(i % 2); };
  auto count = [](int i) { return static_cast<float>((i * 7) % 6); };
  std::vector<PeerCase> cases = {
      make("binary:logistic", {}, 1, binary, -6, 6),
      make("binary:logistic", {{"scale_pos_weight", 2.5}}, 1, binary, -3, 3),
      make("binary:logitraw", {}, 1, binary, -6, 6),
      make(
          "reg:logistic", {}, 1, [&](int) { return uniform(0, 1); }, -4, 4),
      make("binary:hinge", {}, 1, binary, -2, 2),
      make(
          "reg:squarederror", {}, 1, [&](int) { return uniform(-10, 10); }, -10, 10),
      // XGBoost multiplies rows labelled exactly 1 by scale_pos_weight for squared error too.
      make("reg:squarederror", {{"scale_pos_weight", 2.5}}, 1, binary, -2, 2),
      make(
          "reg:squaredlogerror", {}, 1, [&](int) { return uniform(-0.5f, 10); }, -0.9f, 4),
      make(
          "reg:pseudohubererror", {}, 1, [&](int) { return uniform(-5, 5); }, -5, 5),
      make(
          "reg:pseudohubererror", {{"huber_slope", 2.5}}, 1, [&](int) { return uniform(-5, 5); },
          -5, 5),
      make(
          "reg:absoluteerror", {}, 1, [&](int) { return uniform(-5, 5); }, -5, 5),
      make("count:poisson", {}, 1, count, -3, 3),
      make("count:poisson", {{"max_delta_step", 0.4}}, 1, count, -3, 3),
      make(
          "reg:gamma", {}, 1, [&](int) { return uniform(0.1f, 10); }, -3, 3),
      make("reg:tweedie", {}, 1, count, -3, 3),
      make("reg:tweedie", {{"tweedie_variance_power", 1.2}}, 1, count, -3, 3),
      make(
          "multi:softprob", {}, 3, [](int i) { return static_cast<float>(i % 3); }, -5, 5),
      make(
          "multi:softmax", {}, 4, [](int i) { return static_cast<float>(i % 4); }, -5, 5),
  };
  // Edge rows: sigmoid's clamp and the hessian floor, squaredlogerror's clamp at -1 + 1e-6,
  // the hinge's margin boundary.
  cases[0].rows.push_back(Row{{-95.0f}, 1.0f, 1.0f});
  cases[0].rows.push_back(Row{{40.0f}, 0.0f, 2.0f});
  cases[4].rows.push_back(Row{{1.0f}, 1.0f, 1.0f});
  cases[7].rows.push_back(Row{{-2.0f}, 0.0f, 1.0f});
  return cases;
}

}  // namespace

TEST_CASE("gradients and hessians match xgboost 1.7.4 bit for bit", "[peer]") {
  const std::vector<PeerCase> cases = GradientCases();
  const std::string script = std::string(kPythonPrelude) + "cases = " + PythonCases(cases) + R"(
for ci, (objective, extra, k, rows) in enumerate(cases):
    for ri, row in enumerate(rows):
        booster = xgb.train(params(objective, extra, k), dmatrix([row], k), 1)
        for j, t in enumerate(trees(booster)):
            print('@', ci, ri, j, f32hex(t['base_weights'][0]), f32hex(t['sum_hessian'][0]))
)";
  const auto lines = Lines(test::RunPython(script));
  std::size_t expected_lines = 0;
  for (const PeerCase& c : cases) expected_lines += c.rows.size() * c.num_class;
  REQUIRE(lines.size() == expected_lines);
  for (const std::string& line : lines) {
    std::istringstream in(line);
    std::size_t ci = 0, ri = 0, j = 0;
    std::string leaf_hex, hess_hex;
    in >> ci >> ri >> j >> leaf_hex >> hess_hex;
    const PeerCase& c = cases.at(ci);
    const Row& row = c.rows.at(ri);
    const auto objective = Objective::Create(ParamsOf(c));
    std::vector<GradientPair> g(row.margins.size());
    objective->Gradients(Context{}, row.margins, std::vector<float>{row.label},
                         std::vector<float>{row.weight}, g);
    // CalcWeight's cap: XGBoost sets the trees' max_delta_step to 0.7 for count:poisson
    // unless the user sets it (DefaultMaxDeltaStep).
    double leaf = -static_cast<double>(g[j].grad) / static_cast<double>(g[j].hess);
    const auto given = c.params.find("max_delta_step");
    const double cap = given != c.params.end() ? given->second : objective->DefaultMaxDeltaStep();
    if (cap > 0.0 && std::abs(leaf) > static_cast<float>(cap)) {
      leaf = std::copysign(static_cast<double>(static_cast<float>(cap)), leaf);
    }
    INFO(c.objective << " case " << ci << " row " << ri << " output " << j << ": margin "
                     << row.margins[j] << " label " << row.label << " weight " << row.weight
                     << "; grove g " << g[j].grad << " h " << g[j].hess);
    CHECK(g[j].hess == ParseHex(hess_hex));
    CHECK(static_cast<float>(leaf) == ParseHex(leaf_hex));
  }
}

TEST_CASE("transforms match xgboost 1.7.4's predictions bit for bit", "[peer]") {
  std::mt19937 rng(99);
  std::vector<float> margins;
  for (int i = 0; i < 60; ++i) {
    margins.push_back(std::uniform_real_distribution<float>(-20.0f, 20.0f)(rng));
  }
  for (const float edge : {0.0f, -88.7f, -89.0f, -100.0f, 88.0f, 100.0f}) margins.push_back(edge);
  struct Case {
    std::string objective;
    int num_class;
  };
  const std::vector<Case> cases = {
      {"binary:logistic", 1}, {"reg:logistic", 1},   {"binary:logitraw", 1},
      {"binary:hinge", 1},    {"count:poisson", 1},  {"reg:gamma", 1},
      {"reg:tweedie", 1},     {"multi:softprob", 3}, {"multi:softmax", 3}};
  std::string script = std::string(kPythonPrelude) + "margins = [";
  for (const float m : margins) script += Hex(m) + ", ";
  script += "]\ncases = [";
  for (const Case& c : cases)
    script += "('" + c.objective + "', " + std::to_string(c.num_class) + "), ";
  script += R"(]
for ci, (objective, k) in enumerate(cases):
    n = len(margins) // k
    d = xgb.DMatrix(np.zeros((n, 1), np.float32), label=np.zeros(n, np.float32),
                    base_margin=np.array(margins[:n * k], np.float32))
    booster = xgb.train(params(objective, {}, k), d, 0)
    print('@', ci, ' '.join(f32hex(v) for v in booster.predict(d).reshape(-1)))
)";
  const auto lines = Lines(test::RunPython(script));
  REQUIRE(lines.size() == cases.size());
  for (const std::string& line : lines) {
    std::istringstream in(line);
    std::size_t ci = 0;
    in >> ci;
    const Case& c = cases.at(ci);
    INFO(c.objective);
    TrainParams params;
    params.objective = c.objective;
    if (c.num_class > 1) params.num_class = c.num_class;
    const auto objective = Objective::Create(params);
    const std::size_t n = margins.size() / static_cast<std::size_t>(c.num_class);
    std::vector<float> values(margins.begin(),
                              margins.begin() + static_cast<long>(n * c.num_class));
    objective->Transform(Context{}, values);
    values.resize(n * static_cast<std::size_t>(objective->NumTransformedOutputs()));
    std::vector<float> peer;
    for (std::string hex; in >> hex;) peer.push_back(ParseHex(hex));
    REQUIRE(peer.size() == values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      INFO("value " << i);
      CHECK(values[i] == peer[i]);
    }
  }
}

TEST_CASE("reg:absoluteerror's adaptive leaf and base score match xgboost 1.7.4", "[peer]") {
  std::mt19937 rng(5);
  auto uniform = [&](float lo, float hi) {
    return std::uniform_real_distribution<float>(lo, hi)(rng);
  };
  // Leaves of odd and even size, with and without weights, one with tied residuals.
  std::vector<PeerCase> cases;
  for (const int n : {1, 2, 7, 10, 31}) {
    for (const bool weighted : {false, true}) {
      PeerCase c{"reg:absoluteerror", {}, 1, {}};
      for (int i = 0; i < n; ++i) {
        c.rows.push_back(Row{{uniform(-3, 3)}, uniform(-10, 10), weighted ? uniform(0.1f, 4) : 1});
      }
      cases.push_back(c);
    }
  }
  cases.push_back(PeerCase{"reg:absoluteerror", {}, 1, {}});
  for (int i = 0; i < 6; ++i)
    cases.back().rows.push_back(Row{{0.0f}, static_cast<float>(i / 2), 1});
  const std::string script = std::string(kPythonPrelude) + "cases = " + PythonCases(cases) + R"(
for ci, (objective, extra, k, rows) in enumerate(cases):
    weighted = any(r[2] != 1.0 for r in rows)
    d = dmatrix(rows, k, weighted)
    leaf = trees(xgb.train(params(objective, extra, k), d, 1))[0]['split_conditions'][0]
    d = xgb.DMatrix(np.zeros((len(rows), 1), np.float32),
                    label=np.array([r[1] for r in rows], np.float32),
                    weight=np.array([r[2] for r in rows], np.float32) if weighted else None)
    config = json.loads(xgb.train({'objective': objective}, d, 1).save_config())
    base = float(config['learner']['learner_model_param']['base_score'])
    print('@', ci, f32hex(leaf), f32hex(base))
)";
  const auto lines = Lines(test::RunPython(script));
  REQUIRE(lines.size() == cases.size());
  const auto objective = Objective::Create(ParamsOf(cases[0]));
  for (const std::string& line : lines) {
    std::istringstream in(line);
    std::size_t ci = 0;
    std::string leaf_hex, base_hex;
    in >> ci >> leaf_hex >> base_hex;
    const PeerCase& c = cases.at(ci);
    std::vector<float> margins, labels, weights;
    std::vector<std::uint32_t> rows;
    bool weighted = false;
    for (const Row& row : c.rows) {
      rows.push_back(static_cast<std::uint32_t>(margins.size()));
      margins.push_back(row.margins[0]);
      labels.push_back(row.label);
      weights.push_back(row.weight);
      weighted = weighted || row.weight != 1.0f;
    }
    if (!weighted) weights.clear();
    INFO("case " << ci << ": " << c.rows.size() << " rows, weighted " << weighted);
    CHECK(objective->AdaptiveLeafValue(rows, margins, labels, weights) == ParseHex(leaf_hex));
    CHECK(objective->EstimateBaseScore(Context{}, labels, weights).at(0) == ParseHex(base_hex));
  }
}

TEST_CASE("default metrics match xgboost 1.7.4's", "[peer]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"binary:logistic", ""},      {"binary:logitraw", ""},   {"binary:hinge", ""},
      {"reg:squarederror", ""},     {"reg:linear", ""},        {"reg:logistic", ""},
      {"reg:pseudohubererror", ""}, {"reg:absoluteerror", ""}, {"reg:squaredlogerror", ""},
      {"count:poisson", ""},        {"reg:gamma", ""},         {"reg:tweedie", ""},
      {"reg:tweedie", "1.3"},       {"multi:softmax", ""},     {"multi:softprob", ""}};
  std::string script = std::string(kPythonPrelude) + "cases = [";
  for (const auto& [name, power] : cases) script += "('" + name + "', '" + power + "'), ";
  script += R"(]
for objective, power in cases:
    p = {'objective': objective}
    if power:
        p['tweedie_variance_power'] = float(power)
    labels = np.array([0, 1, 2, 1], np.float32) if objective.startswith('multi') else \
        np.array([1, 0, 1, 1], np.float32)
    if objective.startswith('multi'):
        p['num_class'] = 3
    d = xgb.DMatrix(np.arange(4, dtype=np.float32).reshape(-1, 1), label=labels + (objective == 'reg:gamma'))
    result = {}
    xgb.train(p, d, 1, evals=[(d, 'train')], evals_result=result, verbose_eval=False)
    print('@', list(result['train'].keys())[0])
)";
  const auto lines = Lines(test::RunPython(script));
  REQUIRE(lines.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    TrainParams params;
    params.objective = cases[i].first;
    if (params.objective.starts_with("multi:")) params.num_class = 3;
    if (!cases[i].second.empty()) params.tweedie_variance_power = std::stod(cases[i].second);
    INFO(cases[i].first);
    CHECK(Objective::Create(params)->DefaultMetric() == lines[i]);
  }
}

}  // namespace grove
