// Device switch for the random-forest split search.
#include "kernels/impurity_split.h"

#include "grove/errors.h"
#include "kernels/device_switch.h"

namespace grove {

NodeStats StatsOf(const ImpurityLayout& layout, const GradientSum* sums) {
  NodeStats s;
  const int stat_channels = layout.has_count ? layout.channels - 1 : layout.channels;
  for (int c = 0; c < layout.channels; ++c) {
    const GradientSum& pair = sums[c / 2];
    const GradientQuantizer& q = layout.quantizers[static_cast<std::size_t>(c / 2)];
    const double value = c % 2 == 0 ? q.Grad(pair) : q.Hess(pair);
    if (c < stat_channels) {
      s.w[c] = value;
    } else {
      s.count = value;
    }
  }
  return s;
}

ImpurityScanParams ImpurityScanParamsOf(const ImpurityLayout& layout, const ImpurityRules& rules) {
  GROVE_CHECK(layout.channels > 0 && layout.channels <= NodeStats::kMaxChannels &&
                  layout.quantizers.size() == layout.pairs,
              "impurity layout: 1 to 64 channels and one quantizer per pair");
  ImpurityScanParams p;
  p.criterion = layout.criterion;
  p.classes = layout.classes;
  p.channels = layout.channels;
  p.stat_channels = layout.has_count ? layout.channels - 1 : layout.channels;
  p.has_count = layout.has_count;
  p.pairs = static_cast<int>(layout.pairs);
  for (int c = 0; c < layout.channels; ++c) {
    const GradientQuantizer& q = layout.quantizers[static_cast<std::size_t>(c / 2)];
    p.inverse_scale[c] = 1.0 / (c % 2 == 0 ? q.grad_scale : q.hess_scale);
  }
  p.min_leaf_count = rules.min_leaf_count;
  p.min_leaf_weight = rules.min_leaf_weight;
  return p;
}

void EvaluateImpuritySplits(const Context& ctx, const CutsView& cuts, const ImpurityLayout& layout,
                            const ImpurityRules& rules, std::span<const ImpuritySplitTask> tasks,
                            std::span<FeatureSplit> out) {
  RequireCpu(ctx, "random-forest split search");
  cpu_impl::EvaluateImpuritySplits(ctx, cuts, layout, rules, tasks, out);
}

}  // namespace grove
