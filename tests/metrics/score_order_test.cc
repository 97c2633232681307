// The AUC sort (metrics/score_order.h) against std::stable_sort on inputs that exercise both
// its small path and its radix path (skipped passes, ties, signs, infinities, denormals), and
// large-input auc/aucpr against a plain reference computed here.
#include "metrics/score_order.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "tests/metrics/metric_test_util.h"

namespace grove::test {
namespace {

using metric_impl::ScoreOrder;

std::vector<float> Scores(const std::string& kind, std::size_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::uniform_int_distribution<int> pick(0, 7);
  std::vector<float> s(n);
  const float specials[] = {-0.0f,
                            0.0f,
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::max(),
                            -std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::denorm_min(),
                            -1e-30f};
  for (std::size_t i = 0; i < n; ++i) {
    const float u = uniform(rng);
    if (kind == "uniform") s[i] = u;
    if (kind == "quantized") s[i] = std::round(u * 64) / 64;  // low digits constant
    if (kind == "signed") s[i] = (u - 0.5f) * 1e6f;
    if (kind == "specials") s[i] = u < 0.5f ? specials[pick(rng)] : (u - 0.75f) * 3;
    if (kind == "equal") s[i] = 0.25f;  // every pass skipped
    if (kind == "ulps") s[i] = std::nextafter(1.0f, 2.0f) + static_cast<float>(pick(rng)) * 1e-7f;
    if (kind == "powers") s[i] = std::ldexp(1.0f, pick(rng) * 9 - 30);  // high digits only
  }
  return s;
}

TEST_CASE("the AUC sort orders by descending score, ties by row", "[unit]") {
  std::mt19937_64 rng(3);
  for (const std::size_t n : {std::size_t{1000}, std::size_t{100'000}}) {
    for (const char* kind :
         {"uniform", "quantized", "signed", "specials", "equal", "ulps", "powers"}) {
      INFO(kind << ", " << n << " rows");
      const std::vector<float> s = Scores(kind, n, rng);
      std::vector<float> row(n);  // labels carry the row number through the sort
      std::iota(row.begin(), row.end(), 0.0f);
      ScoreOrder order;
      order.Sort("auc", s, 1, 0, row, {}, -1);
      std::vector<std::size_t> expected(n);
      std::iota(expected.begin(), expected.end(), 0);
      std::stable_sort(expected.begin(), expected.end(), [&](std::size_t a, std::size_t b) {
        return s[a] > s[b];  // -0 == +0: a tie
      });
      REQUIRE(order.size() == n);
      std::size_t mismatches = 0;
      for (std::size_t i = 0; i < n; ++i) {
        mismatches += static_cast<std::size_t>(order[i].label) != expected[i];
        if (i > 0)
          mismatches +=
              (order[i].key == order[i - 1].key) != (s[expected[i]] == s[expected[i - 1]]);
      }
      CHECK(mismatches == 0);
    }
  }
}

/// Plain weighted ROC AUC: Σ over tie groups of neg_g (pos above + pos_g / 2) / (P N).
double ReferenceAuc(const std::vector<float>& s, const std::vector<float>& y,
                    const std::vector<float>& w) {
  std::vector<std::size_t> idx(s.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return s[a] > s[b]; });
  long double above = 0, area = 0, total_neg = 0;
  for (std::size_t i = 0; i < idx.size();) {
    long double pos = 0, neg = 0;
    std::size_t j = i;
    for (; j < idx.size() && s[idx[j]] == s[idx[i]]; ++j) {
      pos += static_cast<long double>(y[idx[j]]) * w[idx[j]];
      neg += (1 - static_cast<long double>(y[idx[j]])) * w[idx[j]];
    }
    area += neg * (above + pos / 2);
    above += pos;
    total_neg += neg;
    i = j;
  }
  return static_cast<double>(area / (above * total_neg));
}

TEST_CASE("auc on large inputs matches a plain reference", "[unit]") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  for (const char* kind : {"uniform", "quantized", "signed", "specials", "powers"}) {
    INFO(kind);
    const std::size_t n = 200'000;
    MetricCase c(Scores(kind, n, rng), std::vector<float>(n), std::vector<float>(n));
    for (std::size_t i = 0; i < n; ++i) {
      // Labels depend on the score so that the AUC is far from 1/2.
      const float s = c.predictions[i];
      c.labels[i] = uniform(rng) < (s > 0.4f ? 0.7f : 0.3f) ? 1.0f : 0.0f;
      c.weights[i] = 0.25f + uniform(rng);
    }
    CHECK(Evaluate("auc", c) ==
          Approx(ReferenceAuc(c.predictions, c.labels, c.weights)).epsilon(1e-12));
    // Two classes given as probabilities [1 - q, q] (q on a 2^-12 grid, so 1 - q is exact and
    // keeps the ties of q): the binary value.
    MetricCase two({}, c.labels, c.weights, {}, 2);
    MetricCase binary({}, c.labels, c.weights);
    for (float s : c.predictions) {
      const float t = std::isfinite(s) ? 0.5f + 0.5f * std::tanh(s) : (s > 0 ? 1.0f : 0.0f);
      const float q = std::round(t * 4096) / 4096;
      binary.predictions.push_back(q);
      two.predictions.push_back(1.0f - q);
      two.predictions.push_back(q);
    }
    CHECK(Evaluate("auc", two) == Approx(Evaluate("auc", binary)).epsilon(1e-9));
  }
}

}  // namespace
}  // namespace grove::test
