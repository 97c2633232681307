// Device switch for the random-forest split search.
#include "kernels/impurity_split.h"

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

void EvaluateImpuritySplits(const Context& ctx, const CutsView& cuts, const ImpurityLayout& layout,
                            const ImpurityRules& rules, std::span<const ImpuritySplitTask> tasks,
                            std::span<FeatureSplit> out) {
  RequireCpu(ctx, "random-forest split search");
  cpu_impl::EvaluateImpuritySplits(ctx, cuts, layout, rules, tasks, out);
}

}  // namespace grove
