#include "engine/src/cuda_session.h"

#include <numeric>

#include <fmt/format.h>

#include "engine/src/binned_views.h"
#include "engine/src/cuda_options.h"
#include "engine/src/objective.h"
#include "grove/errors.h"
#include "grove/log.h"
#include "kernels/cuda/memory_estimate.h"

namespace grove {
namespace {

template <typename T>
cuda_impl::DeviceBuffer<T> Upload(std::span<const T> host) {
  return cuda_impl::DeviceBuffer<T>::FromHost(host);
}

}  // namespace

CudaSession::CudaSession(const Context& ctx, const TrainParams& params, const BinnedMatrix& bins,
                         const DataSet& train, std::span<const float> margins, int outputs,
                         const CudaEvalFootprint& eval)
    : ordinal_(ctx.device.ordinal),
      cuts_(bins.Cuts()),
      rows_(bins.Rows()),
      outputs_(outputs),
      math_(ObjectiveMathOf(params)),
      histograms_(bins.Cuts().TotalBins()) {
  CheckCudaRows(rows_);
  GROVE_CHECK(margins.size() == rows_ * static_cast<std::size_t>(outputs_),
              "CudaSession: one margin per row and output");
  const cuda_impl::DeviceGuard guard(ordinal_);
  // Report what the job needs, and refuse one that does not fit before allocating anything.
  cuda_impl::TrainingShape shape =
      CudaTrainingShape(params, rows_, bins.Features(), cuts_.TotalBins(), bins.IsNarrow(),
                        outputs_, !train.weights.empty());
  shape.eval_rows = eval.rows;
  shape.eval_feature_bytes = eval.feature_bytes;
  shape.metric_rows = eval.metric_rows;
  const cuda_impl::MemoryEstimate need = cuda_impl::EstimateTrainingMemory(shape);
  const std::uint64_t free_bytes = cuda_impl::RequireDeviceMemory(ordinal_, need);
  Log(LogLevel::kInfo, fmt::format("{}: this job needs {} of device memory; {} are free",
                                   ctx.device.ToString(), cuda_impl::FormatGiB(need.total_bytes),
                                   cuda_impl::FormatGiB(free_bytes)));
  pool_retention_ = std::make_unique<cuda_impl::PoolRetention>(ordinal_);
  stream_ = std::make_unique<cuda_impl::Stream>();
  matrix_ = std::make_unique<DeviceBinnedMatrix>(bins);
  labels_ = Upload(std::span<const float>(train.labels));
  weights_ = Upload(std::span<const float>(train.weights));
  margins_ = Upload(margins);
  gradients_ = cuda_impl::DeviceBuffer<GradientPair>(margins.size());
  fixed_ = cuda_impl::DeviceBuffer<GradientSum>(rows_);
  std::vector<std::uint32_t> all(rows_);
  std::iota(all.begin(), all.end(), 0U);
  all_rows_ = Upload(std::span<const std::uint32_t>(all));
  row_index_ = cuda_impl::DeviceBuffer<std::uint32_t>(rows_);
  plan_ = cuda_impl::MakeHistogramPlan(ordinal_, cuts_.Offsets());
  // The uploads above are synchronous copies on the legacy default stream, which the session's
  // non-blocking stream does not wait for: finish them before any kernel reads the data.
  cuda_impl::SynchronizeDevice();
}

CudaSession::~CudaSession() = default;

void CudaSession::ComputeGradients() {
  const cuda_impl::DeviceGuard guard(ordinal_);
  cuda_impl::ComputeGradients(stream_->View(), math_, margins_.data(), labels_.data(),
                              weights_.size() == 0 ? nullptr : weights_.data(), rows_,
                              gradients_.data());
}

CudaGrowResult CudaSession::GrowTree(const GrowerParams& params, int output, double subsample,
                                     std::uint64_t row_key,
                                     std::span<const std::uint32_t> tree_features,
                                     std::uint64_t stream, const std::atomic<bool>* cancel) {
  const cuda_impl::DeviceGuard guard(ordinal_);
  const cuda_impl::StreamView s = stream_->View();
  // Fixed-point gradients of this output; the scale depends only on this round's values
  // (the maxima come back to the host: a sync).
  const cuda_impl::GradientMaxima maxima =
      cuda_impl::MaxAbsGradients(s, gradients_.data(), rows_, outputs_, output);
  const GradientQuantizer quantizer = GradientQuantizer::ForRound(maxima.grad, maxima.hess, rows_);
  cuda_impl::QuantizeGradients(s, quantizer, gradients_.data(), rows_, outputs_, output,
                               fixed_.data());
  if (subsample < 1.0) cuda_impl::ZeroUnsampledRows(s, row_key, subsample, rows_, fixed_.data());
  cuda_impl::CopyOnDevice(s, row_index_.data(), all_rows_.data(), rows_ * sizeof(std::uint32_t));

  CudaTreeInputs in;
  in.stream = s;
  in.cuts = &cuts_;
  in.bins = matrix_->Bins();
  in.d_cuts = matrix_->Cuts();
  in.plan = &plan_;
  in.d_fixed = fixed_.data();
  in.d_rows = row_index_.data();
  in.rows = static_cast<std::uint32_t>(rows_);
  in.histograms = &histograms_;
  in.d_features = &features_;
  in.d_best = &best_;
  return GrowTreeOnDevice(in, params, quantizer, tree_features, stream, cancel);
}

void CudaSession::AddToMargins(const CudaGrowResult& grown, int output) {
  const cuda_impl::DeviceGuard guard(ordinal_);
  // Every row is in the row index (left-out rows too, with zero gradients), so one pass over
  // the leaves' ranges updates the whole cache, as the CPU's leaf ranges plus binned traversal.
  std::vector<cuda_impl::LeafSegment> leaves;
  leaves.reserve(grown.leaves.size());
  for (const LeafRows& leaf : grown.leaves) {
    leaves.push_back(cuda_impl::LeafSegment{static_cast<std::uint32_t>(leaf.begin),
                                            static_cast<std::uint32_t>(leaf.end),
                                            grown.tree.value[leaf.node]});
  }
  cuda_impl::UpdatePredictionCache(stream_->View(), row_index_.data(), leaves, outputs_, output,
                                   margins_.data());
}

void CudaSession::CopyRowIndex(std::vector<std::uint32_t>& rows) const {
  const cuda_impl::DeviceGuard guard(ordinal_);
  rows.resize(row_index_.size());
  cuda_impl::CopyToHostOn(stream_->View(), rows.data(), row_index_.data(), row_index_.bytes());
}

void CudaSession::CopyMargins(std::vector<float>& margins) const {
  const cuda_impl::DeviceGuard guard(ordinal_);
  margins.resize(margins_.size());
  cuda_impl::CopyToHostOn(stream_->View(), margins.data(), margins_.data(), margins_.bytes());
}

}  // namespace grove
