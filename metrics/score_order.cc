#include "metrics/score_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>

#include "grove/errors.h"
#include "kernels/common/auc_math.h"
#include "metrics/common.h"

namespace grove::metric_impl {
namespace {

/// Below this many rows one std::stable_sort is quicker than the radix passes.
constexpr std::size_t kSmallRows = std::size_t{1} << 15;
/// Rows per chunk of a radix pass; each chunk counts and scatters its own rows.
constexpr std::size_t kChunkRows = std::size_t{1} << 16;
constexpr std::size_t kMaxChunks = 256;
constexpr unsigned kDigitBits = 11;
constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
constexpr std::array<unsigned, 3> kShifts = {0, 11, 22};

std::uint32_t Digit(std::uint32_t key, unsigned shift) {
  return (key >> shift) & static_cast<std::uint32_t>(kBuckets - 1);
}

struct RecordMaker {
  std::span<const float> scores, labels, weights;
  std::size_t stride, column;
  int positive_class;

  std::uint32_t Key(std::size_t i) const { return DescendingScoreKey(scores[i * stride + column]); }
  ScoredRow Make(std::size_t i, std::uint32_t key) const {
    const float y = labels[i];
    const float label =
        positive_class < 0 ? y : (y == static_cast<float>(positive_class) ? 1.0f : 0.0f);
    return ScoredRow(key, label, WeightAt(weights, i));
  }
};

/// One stable counting pass by the digit at `shift`: key_of(i) and record_of(i, key) read
/// the source (the input arrays or the previous pass), `out` receives the records.
class RadixPass {
 public:
  explicit RadixPass(std::size_t rows)
      : rows_(rows),
        chunks_(std::clamp<std::size_t>(rows / kChunkRows, 1, kMaxChunks)),
        chunk_rows_((rows + chunks_ - 1) / chunks_),
        slots_(chunks_ * kBuckets) {}

  template <class KeyOf, class RecordOf>
  void Run(unsigned shift, const KeyOf& key_of, const RecordOf& record_of, ScoredRow* out) {
    ForEachIndex(chunks_, true, [&](std::size_t c) {
      std::uint32_t* count = slots_.data() + c * kBuckets;
      std::fill(count, count + kBuckets, 0u);
      for (std::size_t i = Begin(c); i < End(c); ++i) ++count[Digit(key_of(i), shift)];
    });
    // Each chunk's first output slot per bucket, bucket-major, chunk-minor: a stable scatter.
    std::uint32_t offset = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      for (std::size_t c = 0; c < chunks_; ++c) {
        const std::uint32_t count = slots_[c * kBuckets + b];
        slots_[c * kBuckets + b] = offset;
        offset += count;
      }
    }
    ForEachIndex(chunks_, true, [&](std::size_t c) {
      std::uint32_t* slot = slots_.data() + c * kBuckets;
      for (std::size_t i = Begin(c); i < End(c); ++i) {
        const std::uint32_t key = key_of(i);
        out[slot[Digit(key, shift)]++] = record_of(i, key);
      }
    });
  }

 private:
  std::size_t Begin(std::size_t c) const { return c * chunk_rows_; }
  std::size_t End(std::size_t c) const { return std::min(rows_, (c + 1) * chunk_rows_); }

  std::size_t rows_, chunks_, chunk_rows_;
  std::vector<std::uint32_t> slots_;
};

/// Which digit positions vary at all (a pass over a constant digit is skipped).
std::array<bool, 3> VaryingDigits(const RecordMaker& make, std::size_t rows) {
  std::vector<std::array<std::uint32_t, 2>> range(NumBlocks(rows));
  ForBlocks(rows, [&](std::size_t block, std::size_t begin, std::size_t end) {
    std::uint32_t all_and = ~0u, all_or = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t key = make.Key(i);
      all_and &= key;
      all_or |= key;
    }
    range[block] = {all_and, all_or};
  });
  std::uint32_t all_and = ~0u, all_or = 0;
  for (const auto& [a, o] : range) {
    all_and &= a;
    all_or |= o;
  }
  const std::uint32_t varying = all_and ^ all_or;  // bits that are 0 somewhere and 1 elsewhere
  std::array<bool, 3> result{};
  for (std::size_t p = 0; p < kShifts.size(); ++p) result[p] = Digit(varying, kShifts[p]) != 0;
  return result;
}

}  // namespace

void ScoreOrder::Sort(std::string_view metric, std::span<const float> scores, std::size_t stride,
                      std::size_t column, std::span<const float> labels,
                      std::span<const float> weights, int positive_class) {
  const std::size_t rows = scores.size() / stride;
  if (rows > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidInput(fmt::format("{}: {} rows exceed the supported {} rows", metric, rows,
                                   std::numeric_limits<std::uint32_t>::max()));
  }
  const RecordMaker make{scores, labels, weights, stride, column, positive_class};
  rows_.resize(rows);
  if (rows < kSmallRows) {
    for (std::size_t i = 0; i < rows; ++i) rows_[i] = make.Make(i, make.Key(i));
    std::stable_sort(rows_.begin(), rows_.end(),
                     [](const ScoredRow& a, const ScoredRow& b) { return a.key < b.key; });
    return;
  }
  const std::array<bool, 3> varying = VaryingDigits(make, rows);
  scratch_.resize(rows);
  RadixPass pass(rows);
  bool filled = false;  // whether rows_ holds the records yet
  for (std::size_t p = 0; p < kShifts.size(); ++p) {
    if (!varying[p]) continue;
    if (!filled) {
      pass.Run(
          kShifts[p], [&](std::size_t i) { return make.Key(i); },
          [&](std::size_t i, std::uint32_t key) { return make.Make(i, key); }, rows_.data());
      filled = true;
      continue;
    }
    const ScoredRow* in = rows_.data();
    pass.Run(
        kShifts[p], [in](std::size_t i) { return in[i].key; },
        [in](std::size_t i, std::uint32_t) { return in[i]; }, scratch_.data());
    rows_.swap(scratch_);
  }
  if (!filled) {  // every score is equal: row order is the order
    ForBlocks(rows, [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) rows_[i] = make.Make(i, make.Key(i));
    });
  }
}

std::vector<std::size_t> ScoreOrder::TieAlignedBlocks(std::size_t block_rows) const {
  const std::size_t n = size();
  std::vector<std::size_t> bounds{0};
  for (std::size_t nominal = block_rows; nominal < n; nominal += block_rows) {
    std::size_t pos = std::max(nominal, bounds.back());
    while (pos < n && rows_[pos].key == rows_[pos - 1].key) ++pos;
    if (pos < n && pos > bounds.back()) bounds.push_back(pos);
  }
  if (n > 0) bounds.push_back(n);
  return bounds;
}

}  // namespace grove::metric_impl
