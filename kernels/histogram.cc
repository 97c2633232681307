// Device switch for the histogram kernels.
#include "kernels/histogram.h"

#include "kernels/device_switch.h"

namespace grove {

void BuildHistograms(const Context& ctx, const BinnedView& bins,
                     std::span<const GradientSum> gradients,
                     std::span<const HistogramTask> tasks) {
  RequireCpu(ctx, "histogram build");
  cpu_impl::BuildHistograms(ctx, bins, gradients, tasks);
}

void SubtractHistogram(const Context& ctx, std::span<const GradientSum> parent,
                       std::span<const GradientSum> child, std::span<GradientSum> out) {
  RequireCpu(ctx, "histogram subtraction");
  cpu_impl::SubtractHistogram(ctx, parent, child, out);
}

}  // namespace grove
