// engine/src/cuda_predict.h — Model::Predict with PredictOptions::device = cuda:N: the trees'
// margins (or leaf indices) are computed on the GPU, in row chunks of bounded device memory;
// base margins, the forest average's finishing and the objective's transform stay with
// Model::Predict on the host, so the values are the CPU path's bits.
//
//   std::vector<float> out(x.rows * outputs);
//   PredictMarginsOnDevice(device, trees, x, base_margin, out);   // cpu_impl::PredictMargins
//   PredictLeavesOnDevice(device, trees, x, outputs, leaves);     // cpu_impl::PredictLeaves
#pragma once

#include <cstddef>
#include <span>

#include "grove/context.h"
#include "kernels/predict.h"

namespace grove {

/// Throws InvalidInput when `device` cannot predict here: a build without CUDA, or a device
/// number the machine lacks (`device_count`: cuda_impl::DeviceCount()).
void RequireCudaPrediction(const Device& device, int device_count);

/// The device kernels binary-search a CSR row's columns: throws InvalidInput naming the first
/// row of [begin, end) whose column indices do not strictly increase (the CsrMatrix contract).
void CheckCsrColumnsIncrease(const cpu_impl::PredictInput& x, std::size_t begin, std::size_t end);

/// cpu_impl::PredictMargins on `device`; out is rows x base_margin.size().
void PredictMarginsOnDevice(const Device& device, std::span<const cpu_impl::PredictTree> trees,
                            const cpu_impl::PredictInput& x, std::span<const float> base_margin,
                            std::span<float> out);

/// cpu_impl::PredictLeaves on `device`; out is rows x trees.size(); `outputs`: the model's.
void PredictLeavesOnDevice(const Device& device, std::span<const cpu_impl::PredictTree> trees,
                           const cpu_impl::PredictInput& x, std::size_t outputs,
                           std::span<float> out);

}  // namespace grove
