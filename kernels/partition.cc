// Device switch for row partitioning.
#include "kernels/partition.h"

#include "kernels/device_switch.h"

namespace grove {

void PartitionRows(const Context& ctx, const BinnedView& bins, std::span<PartitionTask> tasks) {
  RequireCpu(ctx, "row partitioning");
  cpu_impl::PartitionRows(ctx, bins, tasks);
}

}  // namespace grove
