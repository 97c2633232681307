// metrics/score_order.h — rows sorted by score, descending, for the AUC metrics.
//
// Each row becomes a record (key, label, weight), where key is the score mapped to an unsigned
// integer whose ascending order is the descending order of the floats (-0 and +0 share one
// key). Records are ordered by key, equal keys in increasing row order: descending scores, ties
// in row order — a unique order, hence the same result for every thread count. The records
// carry label and weight so that the AUC sweeps read memory sequentially instead of gathering.
//
// Sorting: a stable LSD radix sort with 11-bit digits (three passes, each a parallel count per
// chunk and a parallel scatter; passes whose digit is the same for every key are skipped), the
// first pass reading the input arrays directly. Small inputs use std::stable_sort.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace grove::metric_impl {

struct ScoredRow {
  ScoredRow() {}  // NOLINT: no zero fill of the large buffers; Sort writes every record
  ScoredRow(std::uint32_t k, float y, float w) : key(k), label(y), weight(w) {}
  std::uint32_t key;
  float label;   ///< the row's positive fraction: its label, or 1/0 for "is class c"
  float weight;  ///< 1 without weights
};

class ScoreOrder {
 public:
  /// Sorts the rows by column `column` of the row-major `scores` (rows × stride, no NaN: see
  /// CheckNotNaN). Labels are taken as they are when `positive_class` < 0, else as 1 for rows of
  /// that class and 0 otherwise. Throws InvalidInput naming `metric` above 2^32 - 1 rows.
  void Sort(std::string_view metric, std::span<const float> scores, std::size_t stride,
            std::size_t column, std::span<const float> labels, std::span<const float> weights,
            int positive_class);

  std::size_t size() const { return rows_.size(); }
  const ScoredRow& operator[](std::size_t i) const { return rows_[i]; }

  /// Block boundaries near multiples of `block_rows`, moved forward so that no run of equal
  /// scores spans two blocks: {0, ..., size()}. Depends only on the data.
  std::vector<std::size_t> TieAlignedBlocks(std::size_t block_rows) const;

 private:
  std::vector<ScoredRow> rows_;
  std::vector<ScoredRow> scratch_;
};

}  // namespace grove::metric_impl
