#include "engine/src/cuda_options.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>

#include "grove/context.h"
#include "grove/errors.h"

namespace grove {

void RequireCudaDevice(const Device& device, int device_count, std::string_view work) {
  const std::string name = device.ToString();
  if (!BuiltWithCuda()) {
    throw InvalidInput(
        fmt::format("device={}: this build {} on the CPU only; set device=cpu", name, work));
  }
  if (device.ordinal >= device_count) {
    throw InvalidInput(fmt::format(
        "device={}: no such CUDA device; this machine has {} usable CUDA device{} (check "
        "nvidia-smi, the driver and CUDA_VISIBLE_DEVICES); set device=cpu{}",
        name, device_count, device_count == 1 ? "" : "s",
        device_count > 0 ? fmt::format(" or device=cuda:0 .. cuda:{}", device_count - 1) : ""));
  }
}

void RequireCudaTraining(const TrainParams& params, int device_count) {
  RequireCudaDevice(params.device, device_count, "trains");
}

void CheckCudaRows(std::size_t rows) {
  constexpr auto kLimit = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
  if (rows >= kLimit) {
    throw InvalidInput(fmt::format(
        "train: {} rows; device=cuda trains on fewer than {} rows (the GPU row index counts "
        "rows in 32-bit integers); sample the data or set device=cpu",
        rows, kLimit));
  }
}

cuda_impl::TrainingShape CudaTrainingShape(const TrainParams& params, std::size_t rows,
                                           std::size_t features, std::uint32_t total_bins,
                                           bool narrow_bins, int outputs, bool weighted) {
  cuda_impl::TrainingShape shape;
  shape.rows = rows;
  shape.features = features;
  shape.total_bins = total_bins;
  shape.bytes_per_bin = narrow_bins ? 1 : 2;
  shape.outputs = static_cast<std::uint32_t>(outputs);
  shape.weighted = weighted;
  // Lossguide without a depth limit keeps about max_leaves histograms alive; depth 6 stands in
  // when neither is set (the pool grows on demand beyond the estimate).
  const int depth = params.EffectiveMaxDepth();
  shape.max_depth = static_cast<std::uint32_t>(depth > 0 ? depth : 6);
  shape.max_leaves = static_cast<std::uint32_t>(params.max_leaves);
  shape.eval_rows = 0;
  return shape;
}

}  // namespace grove
