// Device switch for split evaluation.
#include "kernels/split.h"

#include "kernels/device_switch.h"

namespace grove {

void EvaluateSplits(const Context& ctx, const CutsView& cuts, const SplitParams& params,
                    const GradientQuantizer& quantizer, std::span<const std::int8_t> monotone,
                    std::span<const SplitTask> tasks, std::span<SplitCandidate> best) {
  RequireCpu(ctx, "split evaluation");
  cpu_impl::EvaluateSplits(ctx, cuts, params, quantizer, monotone, tasks, best);
}

}  // namespace grove
