// CUDA split evaluation. Kernel 1: one block per (node, feature). The block walks the feature's
// bins in tiles of kThreads: a block-wide inclusive scan of the fixed-point bins gives every
// thread its candidate's left sum (exact integers), the thread scores the candidate with the
// CPU's formula, and a block arg-max keeps the best, ties going to the candidate that comes
// first in the CPU's scan order (forward cuts by bin, then backward cuts from the top bin), which
// is what the CPU's "strictly greater" loop keeps. Kernel 2: one thread per node reduces the
// node's features in list order with the CPU's rule and the kRtEps floor.
#include <algorithm>
#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>
#include <limits>

#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr int kThreads = 128;
constexpr double kMinGain = 1e-6;  // kernels/cpu/split.cc: XGBoost's kRtEps
constexpr std::size_t kMaxGridY = 65535;
constexpr std::uint32_t kNoOrder = 0xFFFFFFFFu;

struct DeviceSplitNode {
  const GradientSum* histogram;
  GradientSum node_sum;
  const std::uint32_t* features;
  std::uint32_t num_features;
  WeightBounds bounds;
  double parent_gain;
};

struct Scored {
  double gain;
  std::uint32_t order;  // position in the CPU's scan order; kNoOrder: rejected
  std::uint32_t split_bin;
  bool missing_left;
  GradientSum left;
  double left_weight;
  double right_weight;
};

struct Better {
  __device__ Scored operator()(const Scored& a, const Scored& b) const {
    if (a.gain > b.gain) return a;
    if (b.gain > a.gain) return b;
    return a.order <= b.order ? a : b;
  }
};

struct AddSums {
  __device__ GradientSum operator()(const GradientSum& a, const GradientSum& b) const {
    return a + b;
  }
};

struct Evaluator {
  SplitParams params;
  GradientQuantizer quantizer;
  bool weight_formula;  // max_delta_step or any monotone constraint: the CPU's slow path

  __device__ static Scored Rejected() {
    return Scored{
        -std::numeric_limits<double>::infinity(), kNoOrder, 0, false, GradientSum{}, 0.0, 0.0};
  }

  // kernels/cpu/split.cc, FastScan's `consider`.
  __device__ Scored Fast(const DeviceSplitNode& node, GradientSum left) const {
    Scored s = Rejected();
    const double inv_g = 1.0 / quantizer.grad_scale;
    const double inv_h = 1.0 / quantizer.hess_scale;
    const GradientSum right = node.node_sum - left;
    const double hl = static_cast<double>(left.hess) * inv_h;
    const double hr = static_cast<double>(right.hess) * inv_h;
    if (hl <= 0.0 || hr <= 0.0 || hl < params.min_child_weight || hr < params.min_child_weight) {
      return s;
    }
    const double tl = ThresholdL1(static_cast<double>(left.grad) * inv_g, params.alpha);
    const double tr = ThresholdL1(static_cast<double>(right.grad) * inv_g, params.alpha);
    const double gain =
        tl * tl / (hl + params.lambda) + tr * tr / (hr + params.lambda) - node.parent_gain;
    if (!(gain > s.gain)) return s;
    s.gain = gain;
    s.left = left;
    s.left_weight = CalcWeight(params, quantizer.Grad(left), quantizer.Hess(left), node.bounds);
    s.right_weight = CalcWeight(params, quantizer.Grad(right), quantizer.Hess(right), node.bounds);
    return s;
  }

  // kernels/cpu/split.cc, Evaluator::Try.
  __device__ Scored Slow(const DeviceSplitNode& node, int constraint, GradientSum left) const {
    Scored s = Rejected();
    const GradientSum right = node.node_sum - left;
    const double gl = quantizer.Grad(left);
    const double hl = quantizer.Hess(left);
    const double gr = quantizer.Grad(right);
    const double hr = quantizer.Hess(right);
    if (hl <= 0.0 || hr <= 0.0) return s;
    if (hl < params.min_child_weight || hr < params.min_child_weight) return s;
    const double wl = CalcWeight(params, gl, hl, node.bounds);
    const double wr = CalcWeight(params, gr, hr, node.bounds);
    if ((constraint > 0 && wl > wr) || (constraint < 0 && wl < wr)) return s;
    const double gain = CalcGainGivenWeight(params, gl, hl, wl, weight_formula) +
                        CalcGainGivenWeight(params, gr, hr, wr, weight_formula) - node.parent_gain;
    if (!(gain > s.gain)) return s;
    s.gain = gain;
    s.left = left;
    s.left_weight = wl;
    s.right_weight = wr;
    return s;
  }
};

__global__ void __launch_bounds__(kThreads)
    FeatureKernel(Evaluator evaluator, CutsView cuts, const std::int8_t* monotone,
                  const DeviceSplitNode* nodes, std::uint32_t max_features,
                  SplitCandidate* per_feature) {
  using Scan = cub::BlockScan<GradientSum, kThreads>;
  using Reduce = cub::BlockReduce<Scored, kThreads>;
  __shared__ union {
    typename Scan::TempStorage scan;
    typename Reduce::TempStorage reduce;
  } temp;
  const DeviceSplitNode node = nodes[blockIdx.y];
  const std::uint32_t k = blockIdx.x;
  if (k >= node.num_features) return;
  const std::uint32_t f = node.features[k];
  const int constraint = monotone != nullptr ? monotone[f] : 0;
  const bool fast = !evaluator.weight_formula && constraint == 0;
  const std::uint32_t bins = cuts.cut_ptrs[f + 1] - cuts.cut_ptrs[f];
  const GradientSum* hist = node.histogram + cuts.feature_offsets[f];
  const GradientSum missing = cuts.has_missing[f] != 0 ? hist[bins] : GradientSum{};
  const bool node_has_missing = missing.grad != 0 || missing.hess != 0;

  Scored best = Evaluator::Rejected();
  const int passes = node_has_missing ? 2 : 1;
  for (int pass = 0; pass < passes; ++pass) {
    const bool backward = pass == 1;
    GradientSum carry{};
    for (std::uint32_t base = 0; base < bins; base += kThreads) {
      const std::uint32_t step = base + threadIdx.x;  // position in this pass's order
      const bool inside = step < bins;
      const std::uint32_t i = backward ? bins - 1 - step : step;  // the bin
      const GradientSum h = inside ? hist[i] : GradientSum{};
      GradientSum prefix;
      GradientSum tile_total;
      Scan(temp.scan).InclusiveScan(h, prefix, AddSums{}, tile_total);
      __syncthreads();  // temp is reused by the reduction below
      Scored mine = Evaluator::Rejected();
      // The fast path skips empty bins (they repeat the previous cut); the slow path does not.
      if (inside && !(fast && h.grad == 0 && h.hess == 0)) {
        const GradientSum side = carry + prefix;  // left sum forward, right sum backward
        const GradientSum left = backward ? node.node_sum - side : side;
        mine = fast ? evaluator.Fast(node, left) : evaluator.Slow(node, constraint, left);
        if (mine.gain > -std::numeric_limits<double>::infinity()) {  // accepted
          mine.order = (backward ? bins : 0) + step;
          mine.split_bin = backward ? (i == 0 ? SplitCandidate::kNoBinLeft : i - 1) : i;
          mine.missing_left = backward;
        }
      }
      const Scored tile_best = Reduce(temp.reduce).Reduce(mine, Better{});
      __syncthreads();
      if (threadIdx.x == 0) best = Better{}(best, tile_best);
      carry = carry + tile_total;
    }
  }
  if (threadIdx.x != 0) return;
  SplitCandidate out;
  if (best.order != kNoOrder) {
    out.loss_change = best.gain;
    out.feature = static_cast<std::int32_t>(f);
    out.split_bin = best.split_bin;
    out.missing_left = best.missing_left;
    out.left_sum = best.left;
    out.right_sum = node.node_sum - best.left;
    out.left_weight = best.left_weight;
    out.right_weight = best.right_weight;
    out.threshold = best.split_bin == SplitCandidate::kNoBinLeft
                        ? cuts.min_values[f]
                        : cuts.cut_values[cuts.cut_ptrs[f] + best.split_bin];
  }
  per_feature[std::size_t{blockIdx.y} * max_features + k] = out;
}

__global__ void NodeKernel(const DeviceSplitNode* nodes, std::size_t count,
                           std::uint32_t max_features, const SplitCandidate* per_feature,
                           SplitCandidate* best) {
  const std::size_t t = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x;
  if (t >= count) return;
  SplitCandidate chosen;
  const SplitCandidate* mine = per_feature + t * max_features;
  for (std::uint32_t k = 0; k < nodes[t].num_features; ++k) {
    // Strictly greater: on a tie the earlier feature in the list stays (kernels/cpu/split.cc).
    if (mine[k].feature >= 0 && mine[k].loss_change > chosen.loss_change) chosen = mine[k];
  }
  if (chosen.feature >= 0 && !(chosen.loss_change > kMinGain)) chosen = SplitCandidate{};
  best[t] = chosen;
}

}  // namespace

void EvaluateSplits(StreamView stream, const SplitBatch& batch) {
  if (batch.nodes.empty()) return;
  const cudaStream_t s = detail::ToCuda(stream);
  bool any_constraint = false;
  for (const std::int8_t c : batch.monotone) any_constraint = any_constraint || c != 0;
  const Evaluator evaluator{batch.params, batch.quantizer,
                            batch.params.max_delta_step != 0.0 || any_constraint};
  const auto d_monotone = detail::Upload(s, batch.monotone);
  for (std::size_t first = 0; first < batch.nodes.size(); first += kMaxGridY) {
    const std::size_t count = std::min(kMaxGridY, batch.nodes.size() - first);
    std::vector<DeviceSplitNode> h_nodes(count);
    std::uint32_t max_features = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const SplitNode& n = batch.nodes[first + i];
      h_nodes[i] = DeviceSplitNode{n.d_histogram,  n.node_sum, n.d_features,
                                   n.num_features, n.bounds,   n.parent_gain};
      max_features = std::max(max_features, n.num_features);
    }
    const auto d_nodes = detail::Upload(s, std::span<const DeviceSplitNode>(h_nodes));
    detail::ScratchBuffer<SplitCandidate> d_per_feature(s, count * std::max(max_features, 1U));
    if (max_features > 0) {
      FeatureKernel<<<dim3(max_features, static_cast<unsigned>(count)), kThreads, 0, s>>>(
          evaluator, batch.cuts, any_constraint ? d_monotone.data() : nullptr, d_nodes.data(),
          max_features, d_per_feature.data());
      GROVE_CUDA_CHECK_LAUNCH("FeatureKernel");
    }
    NodeKernel<<<GridBlocks(count, 128), 128, 0, s>>>(d_nodes.data(), count, max_features,
                                                      d_per_feature.data(), batch.d_best + first);
    GROVE_CUDA_CHECK_LAUNCH("NodeKernel");
  }
}

}  // namespace grove::cuda_impl
