#include "engine/src/cuda_matrix.h"

#include <span>

#include "engine/src/binned_views.h"

namespace grove {

DeviceBinnedMatrix::DeviceBinnedMatrix(const BinnedMatrix& bins)
    : DeviceBinnedMatrix(BinnedViewOf(bins), CutsViewOf(bins.Cuts())) {}

DeviceBinnedMatrix::DeviceBinnedMatrix(const BinnedView& bins, const CutsView& cuts)
    : rows_(bins.rows), features_(bins.features), total_bins_(bins.total_bins) {
  const std::size_t cells = rows_ * features_;
  const std::size_t f = features_;
  if (bins.bins8 != nullptr) {
    bins8_ = decltype(bins8_)::FromHost({bins.bins8, cells});
  } else if (bins.bins16 != nullptr) {
    bins16_ = decltype(bins16_)::FromHost({bins.bins16, cells});
  }
  offsets_ = decltype(offsets_)::FromHost({bins.feature_offsets, f + 1});
  cut_values_ = decltype(cut_values_)::FromHost({cuts.cut_values, cuts.cut_ptrs[f]});
  cut_ptrs_ = decltype(cut_ptrs_)::FromHost({cuts.cut_ptrs, f + 1});
  min_values_ = decltype(min_values_)::FromHost({cuts.min_values, f});
  has_missing_ = decltype(has_missing_)::FromHost({cuts.has_missing, f});
}

BinnedView DeviceBinnedMatrix::Bins() const {
  BinnedView view;
  view.bins8 = bins8_.size() > 0 ? bins8_.data() : nullptr;
  view.bins16 = bins16_.size() > 0 ? bins16_.data() : nullptr;
  view.rows = rows_;
  view.features = features_;
  view.feature_offsets = offsets_.data();
  view.total_bins = total_bins_;
  return view;
}

CutsView DeviceBinnedMatrix::Cuts() const {
  CutsView view;
  view.cut_values = cut_values_.data();
  view.cut_ptrs = cut_ptrs_.data();
  view.min_values = min_values_.data();
  view.has_missing = has_missing_.data();
  view.feature_offsets = offsets_.data();
  view.features = features_;
  return view;
}

}  // namespace grove
