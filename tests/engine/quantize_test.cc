// Tests of engine/src/quantize.h and engine/src/quantile_sketch.h: cut points (hand-computed,
// exact and sketched, against an exact sort and against XGBoost 1.7.4), the mergeable summary,
// and the binned matrix.
#include "engine/src/quantize.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/src/matrix_view.h"
#include "engine/src/quantile_sketch.h"
#include "grove/errors.h"
#include "test_util.h"

namespace grove {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kFltMax = std::numeric_limits<float>::max();

Context Threads(int n) {
  Context ctx;
  ctx.nthread = n;
  return ctx;
}

DenseMatrix Columns(const std::vector<std::vector<float>>& columns) {
  DenseMatrix m(columns.at(0).size(), columns.size());
  for (std::size_t c = 0; c < columns.size(); ++c) {
    for (std::size_t r = 0; r < m.rows; ++r) m.At(r, c) = columns[c].at(r);
  }
  return m;
}

std::vector<float> CutsOf(const HistogramCuts& cuts, std::size_t f) {
  const auto v = cuts.Values(f);
  return {v.begin(), v.end()};
}

// XGBoost's float expressions for the cut above the maximum and the value below the minimum.
float Above(float max_value) {
  return max_value + (std::fabs(max_value) + 1e-5f);
}
float Below(float min_value) {
  return min_value - std::fabs(min_value) - 1e-5f;
}

// Random matrix: column kinds cycle through normal, small integers, heavy ties, and normal with
// ~20% missing.
DenseMatrix RandomMatrix(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::uniform_int_distribution<int> small(0, 9);
  std::uniform_int_distribution<int> ties(0, 399);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  DenseMatrix m(rows, cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      switch (c % 4) {
        case 0:
          m.At(r, c) = normal(rng);
          break;
        case 1:
          m.At(r, c) = static_cast<float>(small(rng));
          break;
        case 2:
          m.At(r, c) = static_cast<float>(ties(rng)) * 0.25f;
          break;
        default:
          m.At(r, c) = unit(rng) < 0.2f ? kNaN : normal(rng);
          break;
      }
    }
  }
  return m;
}

std::vector<float> RandomWeights(std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(0.25f, 4.0f);
  std::vector<float> w(rows);
  for (float& x : w) x = dist(rng);
  return w;
}

CsrMatrix ToCsr(const DenseMatrix& dense) {
  CsrMatrix csr;
  csr.rows = dense.rows;
  csr.cols = dense.cols;
  for (std::size_t r = 0; r < dense.rows; ++r) {
    for (std::size_t c = 0; c < dense.cols; ++c) {
      if (std::isnan(dense.At(r, c))) continue;
      csr.col_index.push_back(static_cast<std::uint32_t>(c));
      csr.values.push_back(dense.At(r, c));
    }
    csr.row_ptr.push_back(csr.values.size());
  }
  return csr;
}

// Exact weighted ranks of one column: W(x < v) and W(x <= v) by binary search.
class ExactRanks {
 public:
  ExactRanks(const DenseMatrix& m, std::size_t col, std::span<const float> weights) {
    std::vector<std::pair<float, double>> items;
    for (std::size_t r = 0; r < m.rows; ++r) {
      if (!std::isnan(m.At(r, col))) {
        items.emplace_back(m.At(r, col), weights.empty() ? 1.0 : weights[r]);
      }
    }
    std::sort(items.begin(), items.end());
    prefix_.push_back(0.0);
    for (const auto& [v, w] : items) {
      values_.push_back(v);
      prefix_.push_back(prefix_.back() + w);
    }
  }
  double Below(float v) const {
    return prefix_[static_cast<std::size_t>(std::lower_bound(values_.begin(), values_.end(), v) -
                                            values_.begin())];
  }
  double NotAbove(float v) const {
    return prefix_[static_cast<std::size_t>(std::upper_bound(values_.begin(), values_.end(), v) -
                                            values_.begin())];
  }
  double Total() const { return prefix_.back(); }
  float Min() const { return values_.front(); }
  float Max() const { return values_.back(); }
  // Distance from `rank` to the true rank interval [W(x < v), W(x <= v)] of value v.
  double Distance(float v, double rank) const {
    return std::max({0.0, Below(v) - rank, rank - NotAbove(v)});
  }

 private:
  std::vector<float> values_;
  std::vector<double> prefix_;
};

// Largest distance between each interior cut's true rank and its target rank
// lo + j * (hi - lo) / max_bin (lo: weight of the minimum, hi: W minus weight of the maximum).
double MaxCutRankError(const HistogramCuts& cuts, std::size_t f, const ExactRanks& exact,
                       int max_bin) {
  const auto c = cuts.Values(f);
  REQUIRE(c.size() == static_cast<std::size_t>(max_bin));
  const double lo = exact.NotAbove(exact.Min());
  const double hi = exact.Below(exact.Max());
  double worst = 0.0;
  for (std::size_t j = 0; j + 1 < c.size(); ++j) {
    const double target = lo + static_cast<double>(j + 1) * (hi - lo) / max_bin;
    worst = std::max(worst, exact.Distance(c[j], target));
  }
  return worst;
}

}  // namespace

TEST_CASE("quantize: few distinct values get one bin each (hand-computed)", "[unit]") {
  // f0 distinct {1, 2, 3, 5}: cuts 2, 3, 5 and 5 + (5 + 1e-5) = 10.00001; min 1 - 1 - 1e-5.
  // f1 distinct {-4, -1.5}: cuts -1.5 and -1.5 + (1.5 + 1e-5) = 1e-5; min -4 - 4 - 1e-5.
  const DenseMatrix m = Columns({{3, 1, 2, 2, 5}, {-4, -4, -1.5f, -4, -1.5f}});
  const HistogramCuts cuts = BuildCuts(Context{}, MatrixView::Of(m), {}, 8);
  CHECK(CutsOf(cuts, 0) == std::vector<float>{2, 3, 5, Above(5)});
  CHECK(Above(5) == Approx(10.00001).epsilon(1e-7));
  CHECK(CutsOf(cuts, 1) == std::vector<float>{-1.5f, Above(-1.5f)});
  CHECK(Above(-1.5f) > 0.0f);  // 1e-5 up to the float rounding of 1.5 + 1e-5
  CHECK(Above(-1.5f) < 1.1e-5f);
  CHECK(cuts.MinValue(0) == Below(1));
  CHECK(cuts.MinValue(1) == Below(-4));
  CHECK(cuts.MinValue(1) == Approx(-8.00001).epsilon(1e-7));
  CHECK_FALSE(cuts.HasMissing(0));
  const BinnedMatrix bins = BinnedMatrix::Build(Context{}, MatrixView::Of(m), cuts);
  const std::vector<std::uint32_t> f0_bins{2, 0, 1, 1, 3};  // 3 -> bin 2, 1 -> bin 0, ...
  for (std::size_t r = 0; r < 5; ++r) CHECK(bins.LocalBin(r, 0) == f0_bins[r]);
  CHECK(bins.LocalBin(2, 1) == 1);
  CHECK(bins.GlobalBin(2, 1) == 4 + 1);
}

TEST_CASE("quantize: weighted quantile cuts for more values than max_bin (hand-computed)",
          "[unit]") {
  // Values 1..10 with weights 2,1,1,1,3,1,1,2,1,1 (W = 14), max_bin = 4. Exact summary: value v
  // covers ranks [W(x < v), W(x <= v)]: 1:[0,2] 2:[2,3] 3:[3,4] 4:[4,5] 5:[5,8] 6:[8,9]
  // 7:[9,10] 8:[10,12] 9:[12,13] 10:[13,14]. Targets run from lo = W(x <= 1) = 2 to
  // hi = W(x < 10) = 13 in 4 steps: 2 + 11 j / 4 = 4.75, 7.5, 10.25, which fall in the ranges of
  // 4, 5 and 8. Cuts: 4, 5, 8 and 10 + (10 + 1e-5) = 20.00001. Bin weights 4, 1, 5, 4.
  std::vector<float> values(10);
  for (int i = 0; i < 10; ++i) values[i] = static_cast<float>(i + 1);
  const DenseMatrix m = Columns({values});
  const std::vector<float> weights{2, 1, 1, 1, 3, 1, 1, 2, 1, 1};
  const HistogramCuts weighted = BuildCuts(Context{}, MatrixView::Of(m), weights, 4);
  CHECK(CutsOf(weighted, 0) == std::vector<float>{4, 5, 8, Above(10)});
  CHECK(Above(10) == Approx(20.00001).epsilon(1e-7));

  // Unit weights (W = 10): value v covers [v - 1, v]; lo = 1, hi = 9, targets 3, 5, 7. A target
  // on the boundary of two values goes to the larger one (XGBoost's rule: rank 3 is the end of
  // 3 and the start of 4), so the cuts are 4, 6, 8: bins {1,2,3} {4,5} {6,7} {8,9,10}.
  const HistogramCuts unweighted = BuildCuts(Context{}, MatrixView::Of(m), {}, 4);
  CHECK(CutsOf(unweighted, 0) == std::vector<float>{4, 6, 8, Above(10)});

  const BinnedMatrix bins = BinnedMatrix::Build(Context{}, MatrixView::Of(m), weighted);
  std::vector<float> bin_weight(4, 0.0f);
  for (std::size_t r = 0; r < 10; ++r) bin_weight[bins.LocalBin(r, 0)] += weights[r];
  CHECK(bin_weight == std::vector<float>{4, 1, 5, 4});
}

TEST_CASE("quantize: every training value lies between the cuts around its bin", "[unit]") {
  const DenseMatrix m = RandomMatrix(5000, 8, 7);
  const std::vector<float> weights = RandomWeights(m.rows, 8);
  for (const int max_bin : {2, 3, 16, 256}) {
    for (const bool weighted : {false, true}) {
      INFO("max_bin " << max_bin << ", weighted " << weighted);
      const std::span<const float> w =
          weighted ? std::span<const float>(weights) : std::span<const float>();
      const HistogramCuts cuts = BuildCuts(Threads(2), MatrixView::Of(m), w, max_bin);
      const BinnedMatrix bins = BinnedMatrix::Build(Threads(2), MatrixView::Of(m), cuts);
      for (std::size_t f = 0; f < m.cols; ++f) {
        const auto c = cuts.Values(f);
        std::set<float> distinct;
        for (std::size_t r = 0; r < m.rows; ++r) {
          if (!std::isnan(m.At(r, f))) distinct.insert(m.At(r, f));
        }
        CHECK(std::adjacent_find(c.begin(), c.end(), std::greater_equal<>()) == c.end());
        CHECK(c.size() <= static_cast<std::size_t>(max_bin));
        if (distinct.size() <= static_cast<std::size_t>(max_bin))
          CHECK(c.size() == distinct.size());
        CHECK(cuts.HasMissing(f) == (f % 4 == 3));
        for (std::size_t r = 0; r < m.rows; ++r) {
          const float x = m.At(r, f);
          const std::uint32_t b = bins.LocalBin(r, f);
          if (std::isnan(x)) {
            CHECK(b == cuts.MissingBin(f));
            continue;
          }
          REQUIRE(b < c.size());
          CHECK((b == 0 || c[b - 1] <= x));
          CHECK(x < c[b]);
          CHECK(cuts.MinValue(f) < x);
          const auto upper = std::upper_bound(c.begin(), c.end(), x) - c.begin();
          CHECK(cuts.SearchBin(f, x) == static_cast<std::uint32_t>(upper));
        }
      }
    }
  }
}

TEST_CASE("quantize: constant and all-missing and partially missing features", "[unit]") {
  const DenseMatrix m =
      Columns({{7, 7, 7, 7, 7, 7}, {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN}, {1, kNaN, 2, kNaN, 1, 3}});
  const HistogramCuts cuts = BuildCuts(Context{}, MatrixView::Of(m), {}, 256);
  CHECK(CutsOf(cuts, 0) == std::vector<float>{Above(7)});  // one bin: 14.00001
  CHECK_FALSE(cuts.HasMissing(0));
  CHECK(cuts.NumBins(1) == 0);  // no present value: no real bin, only the missing bin
  CHECK(cuts.HasMissing(1));
  CHECK(cuts.MissingBin(1) == 0);
  CHECK(CutsOf(cuts, 2) == std::vector<float>{2, 3, Above(3)});
  CHECK(cuts.HasMissing(2));
  CHECK(cuts.MissingBin(2) == 3);
  // Offsets: f0 1 bin, f1 0 + missing, f2 3 + missing.
  CHECK(cuts.FeatureOffset(0) == 0);
  CHECK(cuts.FeatureOffset(1) == 1);
  CHECK(cuts.FeatureOffset(2) == 2);
  CHECK(cuts.TotalBins() == 6);
  CHECK(cuts.MaxBinsPerFeature() == 4);
  const BinnedMatrix bins = BinnedMatrix::Build(Context{}, MatrixView::Of(m), cuts);
  CHECK(bins.IsNarrow());
  const std::vector<std::uint32_t> global_f2{2, 5, 3, 5, 2, 4};
  for (std::size_t r = 0; r < 6; ++r) {
    CHECK(bins.GlobalBin(r, 0) == 0);
    CHECK(bins.GlobalBin(r, 1) == 1);
    CHECK(bins.GlobalBin(r, 2) == global_f2[r]);
  }
}

TEST_CASE("quantize: CSR and dense views give identical cuts and bins", "[unit]") {
  DenseMatrix dense = RandomMatrix(3000, 6, 11);
  std::mt19937_64 rng(12);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  for (float& v : dense.values) {
    if (unit(rng) < 0.5f) v = kNaN;  // sparse: about 60% missing overall
  }
  CsrMatrix csr = ToCsr(dense);
  // A stored NaN in CSR is missing too: store one, and make the dense matrix missing there.
  REQUIRE(csr.row_ptr[1] > 0);
  const std::uint32_t nan_col = csr.col_index[0];
  csr.values[0] = kNaN;
  dense.At(0, nan_col) = kNaN;
  const std::vector<float> weights = RandomWeights(dense.rows, 13);
  for (const std::size_t block_rows : {kSketchBlockRows, std::size_t{500}}) {
    INFO("block rows " << block_rows);
    const SketchOptions options{block_rows, 0.0};
    const HistogramCuts from_dense =
        BuildCuts(Threads(2), MatrixView::Of(dense), weights, 16, options);
    const HistogramCuts from_csr = BuildCuts(Threads(2), MatrixView::Of(csr), weights, 16, options);
    CHECK(from_dense == from_csr);
    const BinnedMatrix a = BinnedMatrix::Build(Threads(2), MatrixView::Of(dense), from_dense);
    const BinnedMatrix b = BinnedMatrix::Build(Threads(2), MatrixView::Of(csr), from_csr);
    REQUIRE(a.IsNarrow() == b.IsNarrow());
    CHECK(std::equal(a.Bins8(), a.Bins8() + dense.rows * dense.cols, b.Bins8()));
    CHECK(b.LocalBin(0, nan_col) == from_csr.MissingBin(nan_col));
  }
}

TEST_CASE("quantize: the column-major copy holds the same bins as the rows", "[unit]") {
  // 3 features x 5 rows with a missing value; bins checked cell by cell in both layouts.
  const DenseMatrix m = Columns({{0.5f, 1.5f, kNaN, 3.5f, 0.5f},
                                 {10.0f, 20.0f, 30.0f, 40.0f, 50.0f},
                                 {-1.0f, -1.0f, 2.0f, 2.0f, 7.0f}});
  const HistogramCuts cuts = BuildCuts(Context{}, MatrixView::Of(m), {}, 256);
  for (const int threads : {1, 3}) {
    Context ctx;
    ctx.nthread = threads;
    const BinnedMatrix b = BinnedMatrix::Build(ctx, MatrixView::Of(m), cuts);
    REQUIRE(b.IsNarrow());
    for (std::size_t r = 0; r < b.Rows(); ++r) {
      for (std::size_t f = 0; f < b.Features(); ++f) {
        CHECK(b.Columns8()[f * b.Rows() + r] == b.Bins8()[r * b.Features() + f]);
        CHECK(b.Columns8()[f * b.Rows() + r] == b.LocalBin(r, f));
      }
    }
  }
}

TEST_CASE("quantize: 8-bit storage up to 256 bins per feature and 16-bit beyond", "[unit]") {
  std::vector<float> v256(256);
  std::vector<float> v300(300);
  for (std::size_t i = 0; i < v300.size(); ++i) v300[i] = static_cast<float>(299 - i) * 0.5f;
  for (std::size_t i = 0; i < v256.size(); ++i) v256[i] = static_cast<float>(i);
  const DenseMatrix m256 = Columns({v256});
  const HistogramCuts c256 = BuildCuts(Context{}, MatrixView::Of(m256), {}, 256);
  CHECK(c256.MaxBinsPerFeature() == 256);
  const BinnedMatrix b256 = BinnedMatrix::Build(Context{}, MatrixView::Of(m256), c256);
  CHECK(b256.IsNarrow());
  CHECK(b256.MemoryBytes() == 2 * 256);  // row-major bins + the column-major copy
  CHECK(b256.LocalBin(255, 0) == 255);

  // A missing value adds the missing bin: 256 values + missing need 257 bin ids, i.e. 16 bits.
  std::vector<float> with_missing = v256;
  with_missing.push_back(kNaN);
  const DenseMatrix m257 = Columns({with_missing});
  const HistogramCuts c257 = BuildCuts(Context{}, MatrixView::Of(m257), {}, 256);
  CHECK(c257.MaxBinsPerFeature() == 257);
  const BinnedMatrix b257 = BinnedMatrix::Build(Context{}, MatrixView::Of(m257), c257);
  CHECK_FALSE(b257.IsNarrow());
  CHECK(b257.MemoryBytes() == 2 * 257 * 2);
  CHECK(b257.LocalBin(256, 0) == 256);
  CHECK(b257.LocalBin(200, 0) == 200);
  CHECK(b257.Columns16()[256] == 256);  // one feature: the column is the rows

  const DenseMatrix m300 = Columns({v300});
  const HistogramCuts c300 = BuildCuts(Context{}, MatrixView::Of(m300), {}, 300);
  const BinnedMatrix b300 = BinnedMatrix::Build(Context{}, MatrixView::Of(m300), c300);
  CHECK_FALSE(b300.IsNarrow());
  for (std::size_t r = 0; r < 300; ++r) CHECK(b300.LocalBin(r, 0) == 299 - r);
}

TEST_CASE("quantize: sketched cuts on 1M values are within the stated rank bound", "[unit]") {
  // Bound (quantile_sketch.h): summary error <= eps * W with eps = 1 / (16 * max_bin), and a
  // chosen cut's rank interval lies within half of that of its target: W / (32 * max_bin).
  constexpr std::size_t kRows = 1'000'000;
  constexpr int kMaxBin = 256;
  const DenseMatrix m = RandomMatrix(kRows, 4, 21);
  const std::vector<float> weights = RandomWeights(kRows, 22);
  for (const bool weighted : {false, true}) {
    const std::span<const float> w =
        weighted ? std::span<const float>(weights) : std::span<const float>();
    const MatrixSketch sketch = SketchColumns(Threads(2), MatrixView::Of(m), w, kMaxBin);
    CHECK(sketch.eps <= 1.0 / (16.0 * kMaxBin));
    const HistogramCuts sketched =
        CutsFromSummaries(sketch.summaries, sketch.HasMissing(), kMaxBin);
    CHECK(sketched == BuildCuts(Threads(2), MatrixView::Of(m), w, kMaxBin));
    // Exact cuts for comparison: a single block is never pruned.
    const HistogramCuts exact =
        BuildCuts(Threads(2), MatrixView::Of(m), w, kMaxBin, SketchOptions{kRows, 0.0});
    for (const std::size_t f : {0, 2, 3}) {  // f1 has only 10 distinct values
      const ExactRanks ranks(m, f, w);
      const double bound = ranks.Total() / (32.0 * kMaxBin);
      const double sketch_error = MaxCutRankError(sketched, f, ranks, kMaxBin);
      const double exact_error = MaxCutRankError(exact, f, ranks, kMaxBin);
      INFO("weighted " << weighted << ", feature " << f << ": sketch rank error " << sketch_error
                       << ", bound " << bound << ", summary error "
                       << sketch.summaries[f].MaxRankError());
      CHECK(sketch.summaries[f].MaxRankError() <= sketch.eps * ranks.Total() * (1 + 1e-9));
      CHECK(sketch_error <= bound);
      CHECK(exact_error <= 1e-9 * ranks.Total());  // the exact cut's interval holds its target
      CHECK(sketched.MinValue(f) == exact.MinValue(f));
      CHECK(sketched.Values(f).back() == exact.Values(f).back());
    }
    CHECK(CutsOf(sketched, 1) == CutsOf(exact, 1));  // few distinct values: exact either way
  }
}

TEST_CASE("quantize: a coarse sketch still meets its own error bound", "[unit]") {
  // eps = 0.02 with 200-row blocks: heavy pruning, visible error, same guarantees.
  const DenseMatrix m = RandomMatrix(20000, 4, 31);
  const std::vector<float> weights = RandomWeights(m.rows, 32);
  const MatrixSketch sketch =
      SketchColumns(Threads(2), MatrixView::Of(m), weights, 16, SketchOptions{200, 0.02});
  CHECK(sketch.eps <= 0.02);
  const HistogramCuts cuts = CutsFromSummaries(sketch.summaries, sketch.HasMissing(), 16);
  for (const std::size_t f : {0, 3}) {  // continuous features: pruning loses information
    const ExactRanks ranks(m, f, weights);
    const WeightedSummary& s = sketch.summaries[f];
    INFO("feature " << f);
    CHECK(s.Size() < 2000);
    CHECK(s.MaxRankError() > 0.0);
    CHECK(s.MaxRankError() <= sketch.eps * ranks.Total() * (1 + 1e-9));
    CHECK(s.TotalWeight() == Approx(ranks.Total()).epsilon(1e-12));
    for (const SummaryEntry& e : s.Entries()) {  // bounds hold against the exact ranks
      CHECK(e.rmin <= ranks.Below(e.value) * (1 + 1e-12));
      CHECK(e.rmax >= ranks.NotAbove(e.value) * (1 - 1e-12));
      CHECK(e.wmin <= (ranks.NotAbove(e.value) - ranks.Below(e.value)) * (1 + 1e-12));
    }
    CHECK(MaxCutRankError(cuts, f, ranks, 16) <= s.MaxRankError() / 2);
  }
}

TEST_CASE("quantize: cuts and bins do not depend on the thread count", "[unit]") {
  const DenseMatrix m = RandomMatrix(200'000, 5, 41);  // 4 sketch blocks
  const std::vector<float> weights = RandomWeights(m.rows, 42);
  for (const std::size_t block_rows : {kSketchBlockRows, std::size_t{200'000}}) {
    INFO("block rows " << block_rows);
    const SketchOptions options{block_rows, 0.0};
    const HistogramCuts one = BuildCuts(Threads(1), MatrixView::Of(m), weights, 64, options);
    const BinnedMatrix bins_one = BinnedMatrix::Build(Threads(1), MatrixView::Of(m), one);
    for (const int threads : {2, 0}) {  // 0: all hardware threads
      const HistogramCuts many =
          BuildCuts(Threads(threads), MatrixView::Of(m), weights, 64, options);
      CHECK(many == one);
      const BinnedMatrix bins = BinnedMatrix::Build(Threads(threads), MatrixView::Of(m), many);
      CHECK(std::equal(bins.Bins8(), bins.Bins8() + m.rows * m.cols, bins_one.Bins8()));
    }
  }
}

TEST_CASE("quantile summary: merge equals the summary of the concatenation", "[unit]") {
  std::mt19937_64 rng(51);
  std::uniform_int_distribution<int> value(0, 999);
  std::uniform_int_distribution<int> weight(1, 3);
  auto make = [&](std::size_t n) {
    std::vector<std::pair<float, float>> items(n);
    for (auto& [v, w] : items) {
      v = static_cast<float>(value(rng)) * 0.5f;
      w = static_cast<float>(weight(rng));
    }
    return items;
  };
  auto summarize = [](std::vector<std::pair<float, float>> items) {
    std::sort(items.begin(), items.end());
    std::vector<float> v;
    std::vector<float> w;
    for (const auto& [a, b] : items) {
      v.push_back(a);
      w.push_back(b);
    }
    return WeightedSummary::FromSorted(v, w);
  };
  const auto a = make(3000);
  const auto b = make(2000);
  auto both = a;
  both.insert(both.end(), b.begin(), b.end());
  const WeightedSummary sa = summarize(a);
  const WeightedSummary sb = summarize(b);
  const WeightedSummary sab = summarize(both);
  CHECK(sab.MaxRankError() == 0.0);
  // Integer weights: every rank sum is exact, so the merge of exact summaries is the exact one.
  CHECK(WeightedSummary::Merge(sa, sb) == sab);
  CHECK(WeightedSummary::Merge(sb, sa) == sab);

  // Pruned inputs: the merged bounds still hold and the errors add up.
  const WeightedSummary pa = sa.Prune(50);
  const WeightedSummary pb = sb.Prune(40);
  CHECK(pa.Size() <= 50);
  CHECK(pa.MaxRankError() <= sa.TotalWeight() / 49);
  CHECK(pb.MaxRankError() <= sb.TotalWeight() / 39);
  const WeightedSummary merged = WeightedSummary::Merge(pa, pb);
  CHECK(merged.TotalWeight() == sab.TotalWeight());
  CHECK(merged.MaxRankError() <= pa.MaxRankError() + pb.MaxRankError());
  const auto exact = sab.Entries();
  for (const SummaryEntry& e : merged.Entries()) {
    const auto it = std::lower_bound(exact.begin(), exact.end(), e.value,
                                     [](const SummaryEntry& x, float v) { return x.value < v; });
    REQUIRE(it != exact.end());
    REQUIRE(it->value == e.value);
    CHECK(e.rmin <= it->rmin);
    CHECK(e.rmax >= it->rmax);
    CHECK(e.wmin <= it->wmin);
  }
  // Query on the merged summary: within half its error of the target, against exact ranks.
  for (int k = 0; k <= 100; ++k) {
    const double rank = sab.TotalWeight() * k / 100.0;
    const SummaryEntry& got = merged.Entries()[merged.QueryIndex(rank)];
    const auto it = std::lower_bound(exact.begin(), exact.end(), got.value,
                                     [](const SummaryEntry& x, float v) { return x.value < v; });
    const double distance = std::max({0.0, it->rmin - rank, rank - it->rmax});
    CHECK(distance <= merged.MaxRankError() / 2);
  }
  const WeightedSummary pruned = merged.Prune(30);
  CHECK(pruned.MaxRankError() <= merged.MaxRankError() + merged.TotalWeight() / 29);
  const std::vector<SummaryEntry> sent(pruned.Entries().begin(), pruned.Entries().end());
  CHECK(WeightedSummary::FromEntries(sent) == pruned);
}

TEST_CASE("quantile summary: exact query returns the value whose rank range holds the rank",
          "[unit]") {
  const std::vector<float> values{1, 2, 2, 3, 4, 4, 4, 5};
  const WeightedSummary s = WeightedSummary::FromSorted(values, {});
  // Rank ranges: 1:[0,1] 2:[1,3] 3:[3,4] 4:[4,7] 5:[7,8].
  CHECK(s.Size() == 5);
  CHECK(s.Query(0.5) == 1);
  CHECK(s.Query(2.0) == 2);
  CHECK(s.Query(3.5) == 3);
  CHECK(s.Query(5.9) == 4);
  CHECK(s.Query(7.6) == 5);
  CHECK(s.TotalWeight() == 8);
  CHECK_THROWS_AS(WeightedSummary::FromEntries({{0, 1, 1, 2.0f}, {1, 2, 1, 1.0f}}), InvalidInput);
  CHECK_THROWS_AS(WeightedSummary::FromEntries({{0, 1, 2, 2.0f}}), InvalidInput);
}

TEST_CASE("quantize: infinities and zero weights", "[unit]") {
  // +-inf are binned as +-FLT_MAX: f0 distinct {-FLT_MAX, 1, 2, FLT_MAX} -> cuts 1, 2, FLT_MAX
  // and FLT_MAX + (FLT_MAX + 1e-5) = +inf; +inf lands in the last bin through the clamp.
  // f1 only -inf: one cut -FLT_MAX + (FLT_MAX + 1e-5) = 0 (1e-5 vanishes next to FLT_MAX).
  const DenseMatrix m =
      Columns({{-kInf, 1, 2, kInf, kFltMax}, {-kInf, -kInf, -kInf, -kInf, -kInf}});
  const HistogramCuts cuts = BuildCuts(Context{}, MatrixView::Of(m), {}, 8);
  CHECK(CutsOf(cuts, 0) == std::vector<float>{1, 2, kFltMax, kInf});
  CHECK(cuts.MinValue(0) == -kInf);
  CHECK(CutsOf(cuts, 1) == std::vector<float>{0.0f});
  const BinnedMatrix bins = BinnedMatrix::Build(Context{}, MatrixView::Of(m), cuts);
  const std::vector<std::uint32_t> expected{0, 1, 2, 3, 3};
  for (std::size_t r = 0; r < 5; ++r) {
    CHECK(bins.LocalBin(r, 0) == expected[r]);
    CHECK(bins.LocalBin(r, 1) == 0);
  }
  // Zero-weight values still get their own bins; -0 and +0 are one value.
  const DenseMatrix z = Columns({{1, 2, 3, 4, 5, -0.0f, 0.0f}});
  const std::vector<float> zero_weights{0, 1, 1, 1, 0, 1, 1};
  const HistogramCuts zc = BuildCuts(Context{}, MatrixView::Of(z), zero_weights, 8);
  CHECK(CutsOf(zc, 0) == std::vector<float>{1, 2, 3, 4, 5, Above(5)});
}

TEST_CASE("quantize: invalid input is rejected with a message", "[unit]") {
  const DenseMatrix m = Columns({{1, 2, 3}});
  const MatrixView x = MatrixView::Of(m);
  const std::vector<float> two{1, 1};
  CHECK_THROWS_WITH(BuildCuts(Context{}, x, two, 8), Catch::Contains("got 2 weights for 3 rows"));
  CHECK_THROWS_WITH(BuildCuts(Context{}, x, std::vector<float>{1, -1, 1}, 8),
                    Catch::Contains("row 1 has weight -1"));
  CHECK_THROWS_WITH(BuildCuts(Context{}, x, std::vector<float>{1, 1, kNaN}, 8),
                    Catch::Contains("row 2 has weight nan"));
  CHECK_THROWS_WITH(BuildCuts(Context{}, x, {}, 1), Catch::Contains("max_bin: got 1"));
  CHECK_THROWS_WITH(BuildCuts(Context{}, x, {}, 65536), Catch::Contains("max_bin: got 65536"));
  const DenseMatrix empty(0, 3);
  CHECK_THROWS_WITH(BuildCuts(Context{}, MatrixView::Of(empty), {}, 8), Catch::Contains("0 rows"));

  const HistogramCuts cuts = BuildCuts(Context{}, x, {}, 8);
  const DenseMatrix wide = Columns({{1, 2, 3}, {1, 2, 3}});
  CHECK_THROWS_WITH(BinnedMatrix::Build(Context{}, MatrixView::Of(wide), cuts),
                    Catch::Contains("has 2 features but the cut points have 1"));
  const DenseMatrix holes = Columns({{1, kNaN, 3}});
  CHECK_THROWS_WITH(BinnedMatrix::Build(Context{}, MatrixView::Of(holes), cuts),
                    Catch::Contains("row 1, feature 0 is missing"));
}

TEST_CASE("quantize: every XGBoost 1.7.4 hist split threshold is a grove cut", "[peer]") {
  // 64 rows (<= 8 * max_bin, so XGBoost's summary is exact too), max_bin 8, dyadic weights so
  // that both sides' rank arithmetic is exact. f0: 64 distinct values; f1: 0..4 with missing;
  // f2: 40-odd distinct values. XGBoost's thresholds are cut values (the last one splits present
  // from missing values), or the min value for a split that sends every present value right.
  constexpr std::size_t kRows = 64;
  constexpr int kMaxBin = 8;
  std::mt19937_64 rng(61);
  std::vector<float> f0(kRows);
  for (std::size_t i = 0; i < kRows; ++i) f0[i] = static_cast<float>(i) * 0.75f - 20.0f;
  std::shuffle(f0.begin(), f0.end(), rng);
  std::uniform_int_distribution<int> small(0, 4);
  std::uniform_int_distribution<int> mid(0, 49);
  std::uniform_int_distribution<int> quarter(1, 12);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  DenseMatrix m(kRows, 3);
  std::vector<float> weights(kRows);
  std::vector<float> labels(kRows);
  for (std::size_t r = 0; r < kRows; ++r) {
    m.At(r, 0) = f0[r];
    m.At(r, 1) = unit(rng) < 0.2f ? kNaN : static_cast<float>(small(rng));
    m.At(r, 2) = static_cast<float>(mid(rng)) * 0.1f;
    weights[r] = static_cast<float>(quarter(rng)) * 0.25f;
    labels[r] = unit(rng);
  }
  const test::TempDir dir;
  auto write = [&](const char* name, const std::vector<float>& data) {
    std::ofstream out(dir / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size() * sizeof(float)));
  };
  write("x.bin", m.values);
  write("w.bin", weights);
  write("y.bin", labels);
  const std::string script =
      "import json, numpy as np, xgboost as xgb\n"
      "d = '" +
      dir.path().string() +
      "'\n"
      "x = np.fromfile(d + '/x.bin', dtype=np.float32).reshape(-1, 3)\n"
      "w = np.fromfile(d + '/w.bin', dtype=np.float32)\n"
      "y = np.fromfile(d + '/y.bin', dtype=np.float32)\n"
      "bst = xgb.train({'tree_method': 'hist', 'max_bin': 8, 'max_depth': 6, 'eta': 1,\n"
      "                 'lambda': 0, 'min_child_weight': 0, 'nthread': 1, 'seed': 0},\n"
      "                xgb.DMatrix(x, label=y, weight=w), 30)\n"
      "trees = json.loads(bst.save_raw('json'))['learner']['gradient_booster']['model']['trees']\n"
      "for t in trees:\n"
      "    for f, c, l in zip(t['split_indices'], t['split_conditions'], t['left_children']):\n"
      "        if l != -1: print(f, float(np.float32(c)).hex())\n";
  std::istringstream lines(test::RunPython(script));
  std::map<std::size_t, std::set<float>> thresholds;
  std::size_t f = 0;
  std::string hex;
  while (lines >> f >> hex) thresholds[f].insert(std::strtof(hex.c_str(), nullptr));
  REQUIRE(thresholds.size() == 3);

  const HistogramCuts cuts = BuildCuts(Context{}, MatrixView::Of(m), weights, kMaxBin);
  const HistogramCuts unweighted = BuildCuts(Context{}, MatrixView::Of(m), {}, kMaxBin);
  CHECK(CutsOf(cuts, 0) != CutsOf(unweighted, 0));  // the weights matter for f0
  for (const auto& [feature, used] : thresholds) {
    const std::vector<float> c = CutsOf(cuts, feature);
    const std::set<float> all(c.begin(), c.end());
    for (const float t : used) {
      INFO("feature " << feature << ": XGBoost threshold " << t);
      CHECK((all.count(t) == 1 || t == cuts.MinValue(feature)));
    }
    // With 30 deep trees on random labels XGBoost tries and uses every interior cut.
    for (std::size_t i = 0; i + 1 < c.size(); ++i) {
      INFO("feature " << feature << ": grove cut " << c[i]);
      CHECK(used.count(c[i]) == 1);
    }
  }
}

}  // namespace grove
