// kernels/common/auc_math.h — the ROC and PR AUC sweeps, shared by metrics/auc.cc (the host
// metric) and kernels/cuda/auc.cu (its device twin used while training on a GPU), so that both
// add the same doubles in the same order and agree bit for bit.
//
//   // rows sorted by descending score, cut into blocks that do not split a run of equal scores
//   RocCurve total;
//   for (each block [begin, end)) AddRocBlock(total, SweepRoc(begin, end, row));
//   double auc = FinishRoc(total);   // NaN when a class has no weight
//   // PR: the blocks' totals first, then SweepPr per block from the totals before it
//
// A row with label y and weight w counts y·w positive and (1 - y)·w negative; each run of equal
// scores closes one trapezoid (ties score as in scikit-learn's roc_auc_score). A block sums its
// trapezoids from a local origin; shifting it up by the positives before it adds (its
// negatives) × (those positives), which AddRocBlock does.
#pragma once

#include <math.h>  // the C names are what CUDA device code can call
#include <string.h>  // memcpy, which device code can call too

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "kernels/common/gradient.h"  // GROVE_HOST_DEVICE

namespace grove {

/// Rows per block of the AUC sweeps, on the host and the device alike (the blocks decide how
/// the sums are grouped, hence the bits). Fixed, so that results do not depend on the thread
/// count; smaller than the other metrics' kMetricBlockRows because the device sweeps each block
/// with one thread: 4,096 rows keep that sequential part short and the blocks' final running
/// total (also sequential) cheap.
inline constexpr std::size_t kAucBlockRows = 4096;

/// An unsigned key whose ascending order is the descending order of the (non-NaN) scores,
/// with -0 and +0 one tie: the sort key of every metric that ranks rows by score.
GROVE_HOST_DEVICE inline std::uint32_t DescendingScoreKey(float score) {
  const float f = score == 0.0f ? 0.0f : score;
  std::uint32_t bits = 0;
  memcpy(&bits, &f, sizeof(bits));
  const std::uint32_t ascending = (bits & 0x80000000u) != 0 ? ~bits : (bits | 0x80000000u);
  return ~ascending;
}

struct RocCurve {
  double neg = 0.0;   ///< Σ (1 - y)·w
  double pos = 0.0;   ///< Σ y·w
  double area = 0.0;  ///< Σ trapezoids, in units of neg × pos
};

/// One sorted row as the sweep reads it: its score key (equal keys are one tie run) and its
/// label and weight.
struct RocRow {
  std::uint32_t key;
  float label;
  float weight;
};

/// Rows [begin, end) of a descending-score order, `end` at the end of a tie run: their totals
/// and trapezoid area from a local origin. row(i) returns the RocRow at sorted position i.
template <class Row>
GROVE_HOST_DEVICE RocCurve SweepRoc(std::size_t begin, std::size_t end, const Row& row) {
  RocCurve c;
  double fp_prev = 0.0, tp_prev = 0.0;
  std::uint32_t key_prev = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const RocRow r = row(i);
    if (i > begin && r.key != key_prev) {
      c.area += (c.neg - fp_prev) * (c.pos + tp_prev) * 0.5;
      fp_prev = c.neg;
      tp_prev = c.pos;
    }
    const double y = r.label;
    const double w = r.weight;
    c.pos += y * w;
    c.neg += (1.0 - y) * w;
    key_prev = r.key;
  }
  if (end > begin) c.area += (c.neg - fp_prev) * (c.pos + tp_prev) * 0.5;
  return c;
}

/// Area under the PR curve between two points, interpolated as in Keilwagen, Grosse & Grau
/// 2014 (doi:10.1371/journal.pone.0092209), in XGBoost's form (auc.h, CalcDeltaPRAUC). The log
/// is glibc's on the host; CUDA's may differ from it in the last bit.
GROVE_HOST_DEVICE inline double PrSegment(double fp_prev, double fp, double tp_prev, double tp,
                                          double total_pos) {
  const double pr_prev = tp_prev / total_pos;
  const double pr = tp / total_pos;
  double a = 1.0, b = 0.0;
  if (tp != tp_prev) {
    const double h = (fp - fp_prev) / (tp - tp_prev);
    a = h + 1.0;
    b = (fp_prev - h * tp_prev) / total_pos;
  }
  if (b != 0.0) return (pr - pr_prev - b / a * (::log(a * pr + b) - ::log(a * pr_prev + b))) / a;
  return (pr - pr_prev) / a;
}

/// XGBoost's pairwise group ROC term (GroupRankingROC) of a document ranked before another by
/// label: 1, 0.5 or 0 as its score is above, equal to or below the other's. Sums of these are
/// multiples of 0.5, exact in any order.
GROVE_HOST_DEVICE inline double PairScore(float before, float after) {
  return before > after ? 1.0 : before == after ? 0.5 : 0.0;
}

/// A query group's ROC AUC from its PairScore sum over all pairs: NaN under 3 documents (XGBoost
/// skips such groups).
inline double FinishGroupRoc(double sum, std::size_t rows) {
  if (rows < 3) return NAN;
  const double pairs = 0.5 * static_cast<double>(rows) * (rows - 1.0);
  return sum / pairs;
}

/// XGBoost's GroupPR, unweighted: the PR area of one query group's documents in descending score
/// order. label(i) in [0, 1] counts as label(i) positive and 1 - label(i) negative; tie(i): doc i
/// has doc i-1's score. The totals come first, in that order; NaN without positives or
/// negatives; then one PrSegment per run of equal scores.
template <class Label, class Tie>
GROVE_HOST_DEVICE double GroupPrArea(std::size_t rows, const Label& label, const Tie& tie) {
  double total_pos = 0.0, total_neg = 0.0;
  for (std::size_t i = 0; i < rows; ++i) {
    total_pos += label(i);
    total_neg += 1.0 - label(i);
  }
  if (!(total_pos > 0.0 && total_neg > 0.0)) return NAN;
  double fp = 0.0, tp = 0.0, fp_prev = 0.0, tp_prev = 0.0, area = 0.0;
  for (std::size_t i = 0; i < rows; ++i) {
    if (i > 0 && !tie(i)) {
      area += PrSegment(fp_prev, fp, tp_prev, tp, total_pos);
      fp_prev = fp;
      tp_prev = tp;
    }
    const double pos = label(i);
    tp += pos;
    fp += 1.0 - pos;
  }
  if (rows > 0) area += PrSegment(fp_prev, fp, tp_prev, tp, total_pos);
  return area;
}

/// The PR area of rows [begin, end) (as SweepRoc's), the cumulative weights starting from the
/// blocks before: (fp0, tp0) = their negatives and positives; total_pos = all positives.
template <class Row>
GROVE_HOST_DEVICE double SweepPr(std::size_t begin, std::size_t end, double fp0, double tp0,
                                 double total_pos, const Row& row) {
  double fp = fp0, tp = tp0, fp_prev = fp0, tp_prev = tp0, area = 0.0;
  std::uint32_t key_prev = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const RocRow r = row(i);
    if (i > begin && r.key != key_prev) {
      area += PrSegment(fp_prev, fp, tp_prev, tp, total_pos);
      fp_prev = fp;
      tp_prev = tp;
    }
    const double y = r.label;
    const double w = r.weight;
    tp += y * w;
    fp += (1.0 - y) * w;
    key_prev = r.key;
  }
  if (end > begin) area += PrSegment(fp_prev, fp, tp_prev, tp, total_pos);
  return area;
}

/// Appends the next block's curve to the running total (blocks in sorted order).
GROVE_HOST_DEVICE inline void AddRocBlock(RocCurve& total, const RocCurve& block) {
  total.area += block.area + block.neg * total.pos;
  total.pos += block.pos;
  total.neg += block.neg;
}

/// The device's blocks (kernels/cuda/auc.cu), which need no sequential pass to find: block b
/// holds the tie runs that start among rows [b·B, (b+1)·B), B = kAucBlockRows, and
/// begin[b] is the first such start, or kEmptyRocBlock. The non-empty ones are exactly
/// metrics/score_order.h's TieAlignedBlocks(B), and an empty block adds exact zeros.
inline constexpr std::uint32_t kEmptyRocBlock = 0xFFFFFFFFu;

/// Where non-empty block b ends: the next non-empty block's begin, or `rows`.
GROVE_HOST_DEVICE inline std::size_t RocBlockEnd(const std::uint32_t* begin, std::size_t blocks,
                                                 std::size_t b, std::size_t rows) {
  for (std::size_t next = b + 1; next < blocks; ++next) {
    if (begin[next] != kEmptyRocBlock) return begin[next];
  }
  return rows;
}

/// The AUC of a whole curve; NaN when either class has no weight.
inline double FinishRoc(const RocCurve& c) {
  return c.neg > 0.0 && c.pos > 0.0 ? c.area / (c.neg * c.pos)
                                    : std::numeric_limits<double>::quiet_NaN();
}

/// The PR AUC of a whole curve from its area and totals; NaN when either class has no weight.
inline double FinishPr(double area, const RocCurve& totals) {
  return totals.neg > 0.0 && totals.pos > 0.0 ? area : std::numeric_limits<double>::quiet_NaN();
}

/// Multi-class ROC AUC (XGBoost 1.7.4's, scikit-learn's multi_class='ovr', average='weighted')
/// from the one-vs-rest curves, added class by class: the class AUCs weighted by the classes'
/// positive weight; NaN once a class lacks positives or negatives.
class OneVsRestRoc {
 public:
  void Add(const RocCurve& c) {
    if (!(c.neg > 0.0 && c.pos > 0.0)) {
      undefined_ = true;
      return;
    }
    sum_ += c.area / c.neg;  // = AUC_c × positives_c
    weight_ += c.pos;
  }
  bool Undefined() const { return undefined_; }
  double Finish() const {
    return !undefined_ && weight_ > 0.0 ? sum_ / weight_ : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  double sum_ = 0.0, weight_ = 0.0;
  bool undefined_ = false;
};

}  // namespace grove
