// engine/src/binned_views.h — a BinnedMatrix and its HistogramCuts seen through the kernels'
// flat views (kernels/binned_view.h).
#pragma once

#include "engine/src/quantize.h"
#include "kernels/binned_view.h"

namespace grove {

inline BinnedView BinnedViewOf(const BinnedMatrix& bins) {
  BinnedView v;
  if (bins.IsNarrow()) {
    v.bins8 = bins.Bins8();
    v.cols8 = bins.Columns8();
  } else {
    v.bins16 = bins.Bins16();
    v.cols16 = bins.Columns16();
  }
  v.rows = bins.Rows();
  v.features = bins.Features();
  v.feature_offsets = bins.Cuts().Offsets().data();
  v.total_bins = bins.Cuts().TotalBins();
  return v;
}

inline CutsView CutsViewOf(const HistogramCuts& cuts) {
  CutsView v;
  v.cut_values = cuts.AllValues().data();
  v.cut_ptrs = cuts.Ptrs().data();
  v.min_values = cuts.MinValues().data();
  v.has_missing = cuts.MissingFlags().data();
  v.feature_offsets = cuts.Offsets().data();
  v.features = cuts.NumFeatures();
  return v;
}

}  // namespace grove
