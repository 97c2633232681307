// Device switch for the feature-subset histogram kernel.
#include "kernels/subset_histogram.h"

#include "kernels/device_switch.h"

namespace grove {

void BuildSubsetHistograms(const Context& ctx, const BinnedView& bins, std::size_t pairs,
                           std::span<const GradientSum> values,
                           std::span<const SubsetHistogramTask> tasks) {
  RequireCpu(ctx, "feature-subset histogram build");
  cpu_impl::BuildSubsetHistograms(ctx, bins, pairs, values, tasks);
}

}  // namespace grove
