// BinnedMatrix::Build: every value of the training matrix replaced by its local bin.
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>

#include "engine/src/quantize.h"
#include "grove/errors.h"

namespace grove {

namespace {

// Rows per parallel task; each row is binned independently, so the result never depends on
// how rows are split among threads.
constexpr std::size_t kRowGrain = 2048;

[[noreturn]] void ThrowMissingWithoutBin(std::size_t row, std::size_t f) {
  throw InvalidInput(fmt::format(
      "binning: row {}, feature {} is missing, but the cut points have no missing bin for that "
      "feature; build the cuts from the same matrix",
      row, f));
}

[[noreturn]] void ThrowValueWithoutBin(std::size_t row, std::size_t f) {
  throw InvalidInput(fmt::format(
      "binning: row {}, feature {} has a value, but the cut points have no bin for that "
      "feature (it had no values); build the cuts from the same matrix",
      row, f));
}

[[noreturn]] void ThrowBadColumn(std::size_t row, std::uint32_t col, std::size_t cols) {
  throw InvalidInput(fmt::format(
      "binning: CSR row {} has column index {}; expected strictly increasing indices below {}", row,
      col, cols));
}

template <typename Bin>
class Binner {
 public:
  Binner(const MatrixView& x, const HistogramCuts& cuts, Bin* out)
      : x_(x), cuts_(cuts), out_(out) {}

  void Rows(std::size_t begin, std::size_t end) const {
    if (x_.IsDense()) {
      DenseRows(begin, end);
    } else {
      SparseRows(begin, end);
    }
  }

 private:
  Bin Present(std::size_t row, std::size_t f, float value) const {
    const std::uint32_t n = cuts_.NumBins(f);
    if (n == 0) ThrowValueWithoutBin(row, f);
    const std::uint32_t bin =
        detail::UpperBoundCut(cuts_.AllValues().data() + cuts_.Ptrs()[f], n, value);
    return static_cast<Bin>(bin == n ? n - 1 : bin);
  }

  Bin Missing(std::size_t row, std::size_t f) const {
    if (!cuts_.HasMissing(f)) ThrowMissingWithoutBin(row, f);
    return static_cast<Bin>(cuts_.MissingBin(f));
  }

  void DenseRows(std::size_t begin, std::size_t end) const {
    for (std::size_t r = begin; r < end; ++r) {
      const float* row = x_.dense + r * x_.row_stride;
      Bin* bins = out_ + r * x_.cols;
      for (std::size_t f = 0; f < x_.cols; ++f) {
        const float value = row[f * x_.col_stride];
        bins[f] = std::isnan(value) ? Missing(r, f) : Present(r, f, value);
      }
    }
  }

  // Absent entries are missing: mark every feature missing, then overwrite the present ones.
  void SparseRows(std::size_t begin, std::size_t end) const {
    for (std::size_t r = begin; r < end; ++r) {
      Bin* bins = out_ + r * x_.cols;
      std::size_t next = 0;  // first feature not yet written
      x_.ForEachPresent(r, [&](std::uint32_t col, float value) {
        if (col < next || col >= x_.cols) ThrowBadColumn(r, col, x_.cols);
        for (; next < col; ++next) bins[next] = Missing(r, next);
        bins[col] = Present(r, col, value);
        next = col + 1;
      });
      for (; next < x_.cols; ++next) bins[next] = Missing(r, next);
    }
  }

  MatrixView x_;
  const HistogramCuts& cuts_;
  Bin* out_;
};

template <typename Bin>
void BinRows(const Context& ctx, const MatrixView& x, const HistogramCuts& cuts,
             std::vector<Bin>& out) {
  out.resize(x.rows * x.cols);
  const Binner<Bin> binner(x, cuts, out.data());
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x.rows, kRowGrain),
                      [&](const tbb::blocked_range<std::size_t>& rows) {
                        binner.Rows(rows.begin(), rows.end());
                      });
  });
}

// cols[f * rows + r] = bins[r * features + f], in parallel over blocks of rows (each block
// writes a contiguous run of every column).
template <typename Bin>
void Transpose(const Context& ctx, const std::vector<Bin>& bins, std::size_t rows,
               std::size_t features, std::vector<Bin>& cols) {
  cols.resize(bins.size());
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, rows, kRowGrain),
                      [&](const tbb::blocked_range<std::size_t>& block) {
                        for (std::size_t f = 0; f < features; ++f) {
                          Bin* column = cols.data() + f * rows;
                          for (std::size_t r = block.begin(); r < block.end(); ++r) {
                            column[r] = bins[r * features + f];
                          }
                        }
                      });
  });
}

}  // namespace

BinnedMatrix BinnedMatrix::Build(const Context& ctx, const MatrixView& x,
                                 const HistogramCuts& cuts) {
  if (x.cols != cuts.NumFeatures()) {
    throw InvalidInput(fmt::format(
        "binning: the matrix has {} features but the cut points have {}; build the cuts from "
        "the same matrix",
        x.cols, cuts.NumFeatures()));
  }
  const std::uint32_t most_bins = cuts.MaxBinsPerFeature();
  if (most_bins > 65536) {
    throw InvalidInput(fmt::format(
        "binning: a feature has {} bins (missing bin included); at most 65536 fit in 16 bits "
        "(max_bin <= 65535)",
        most_bins));
  }
  BinnedMatrix m;
  m.cuts_ = &cuts;
  m.rows_ = x.rows;
  m.features_ = x.cols;
  m.narrow_ = most_bins <= 256;
  if (m.narrow_) {
    BinRows(ctx, x, cuts, m.bins8_);
    Transpose(ctx, m.bins8_, m.rows_, m.features_, m.cols8_);
  } else {
    BinRows(ctx, x, cuts, m.bins16_);
    Transpose(ctx, m.bins16_, m.rows_, m.features_, m.cols16_);
  }
  return m;
}

}  // namespace grove
