// engine/src/cuda_options.h — what training with device=cuda accepts, decided on the host
// before the GPU is touched (every build has these checks, so they are tested without a GPU).
//
//   RequireCudaTraining(params, cuda_impl::DeviceCount());   // throws InvalidInput
//
// The GPU path trains gradient-boosted trees with every objective (reg:absoluteerror's adaptive
// leaves are recomputed on the host), depthwise and lossguide growth, row and column sampling,
// monotone and interaction constraints, weights, missing values, multi-class,
// num_parallel_tree, eval sets, early stopping and resumed models, and random forests with every
// forest parameter (engine/src/cuda_forest.h). There is no silent fallback to the CPU: a build
// without CUDA, or a device number the machine lacks, is refused here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "grove/context.h"
#include "grove/params.h"
#include "kernels/cuda/memory_estimate.h"

namespace grove {

/// Throws InvalidInput when `device` cannot be used here: a build without CUDA ("this build
/// <work> on the CPU only", work = "trains" or "predicts"), or an ordinal at or above
/// `device_count` (cuda_impl::DeviceCount()), naming the devices there are.
void RequireCudaDevice(const Device& device, int device_count, std::string_view work);

/// Everything checked before the device is used: the build has CUDA (a CPU-only build keeps its
/// refusal) and params.device's ordinal is below `device_count` (cuda_impl::DeviceCount()).
void RequireCudaTraining(const TrainParams& params, int device_count);

/// Refuses training sets the device kernels cannot index (the row index and the partition's
/// scan count rows in 32-bit signed integers).
void CheckCudaRows(std::size_t rows);

/// The shape the device memory estimate (kernels/cuda/memory_estimate.h) is made from, without
/// the evaluation sets (CudaSession adds their CudaEvalFootprint).
cuda_impl::TrainingShape CudaTrainingShape(const TrainParams& params, std::size_t rows,
                                           std::size_t features, std::uint32_t total_bins,
                                           bool narrow_bins, int outputs, bool weighted);

}  // namespace grove
