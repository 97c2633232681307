#include "engine/src/cuda_matrix.h"

#include <span>

namespace grove {

DeviceBinnedMatrix::DeviceBinnedMatrix(const BinnedMatrix& bins)
    : rows_(bins.Rows()), features_(bins.Features()), total_bins_(bins.Cuts().TotalBins()) {
  const HistogramCuts& cuts = bins.Cuts();
  const std::size_t cells = rows_ * features_;
  if (bins.IsNarrow()) {
    bins8_ = decltype(bins8_)::FromHost({bins.Bins8(), cells});
  } else {
    bins16_ = decltype(bins16_)::FromHost({bins.Bins16(), cells});
  }
  offsets_ = decltype(offsets_)::FromHost(cuts.Offsets());
  cut_values_ = decltype(cut_values_)::FromHost(cuts.AllValues());
  cut_ptrs_ = decltype(cut_ptrs_)::FromHost(cuts.Ptrs());
  min_values_ = decltype(min_values_)::FromHost(cuts.MinValues());
  has_missing_ = decltype(has_missing_)::FromHost(cuts.MissingFlags());
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
