// The CUDA backend's interface in a build without a CUDA compiler: queries report no device,
// everything else fails with one clear InvalidInput.
#include "grove/errors.h"
#include "kernels/cuda/device.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/memory_estimate.h"

namespace grove::cuda_impl {
namespace {

[[noreturn]] void NoCuda() {
  throw InvalidInput(
      "this build has no CUDA support; set device=cpu or rebuild with -DGROVE_WITH_CUDA=ON "
      "on a machine with the CUDA toolkit");
}

}  // namespace

int DeviceCount() {
  return 0;
}
DeviceInfo QueryDevice(int /*ordinal*/) {
  NoCuda();
}
double DeviceSum(int /*ordinal*/, std::span<const float> /*values*/) {
  NoCuda();
}

void* DeviceAllocate(std::size_t /*bytes*/) {
  NoCuda();
}
void DeviceFree(void* /*pointer*/) noexcept {}  // nothing can have been allocated
void CopyToDevice(void*, const void*, std::size_t) {
  NoCuda();
}
void CopyToHost(void*, const void*, std::size_t) {
  NoCuda();
}
void FillZero(StreamView, void*, std::size_t) {
  NoCuda();
}
void CopyToDeviceOn(StreamView, void*, const void*, std::size_t) {
  NoCuda();
}
void CopyToHostOn(StreamView, void*, const void*, std::size_t) {
  NoCuda();
}
void CopyOnDevice(StreamView, void*, const void*, std::size_t) {
  NoCuda();
}
void SynchronizeDevice() {
  NoCuda();
}
int CurrentDevice() {
  NoCuda();
}
void SetDevice(int) {
  NoCuda();
}
DeviceGuard::~DeviceGuard() = default;
Stream::Stream() {
  NoCuda();
}
Stream::~Stream() = default;
void Stream::Synchronize() const {
  NoCuda();
}
PoolRetention::PoolRetention(int ordinal) : ordinal_(ordinal) {
  NoCuda();
}
PoolRetention::~PoolRetention() = default;

void ComputeGradients(StreamView, const ObjectiveMath&, const float*, const float*, const float*,
                      std::size_t, GradientPair*) {
  NoCuda();
}
GradientMaxima MaxAbsGradients(StreamView, const GradientPair*, std::size_t, int, int) {
  NoCuda();
}
void QuantizeGradients(StreamView, const GradientQuantizer&, const GradientPair*, std::size_t, int,
                       int, GradientSum*) {
  NoCuda();
}
HistogramPlan MakeHistogramPlan(int, std::span<const std::uint32_t>) {
  NoCuda();
}
void BuildHistograms(StreamView, const HistogramPlan&, const HistogramBatch&) {
  NoCuda();
}
void SubtractHistograms(StreamView, std::uint32_t, std::span<const SubtractionTask>) {
  NoCuda();
}
void EvaluateSplits(StreamView, const SplitBatch&) {
  NoCuda();
}
void PartitionRows(StreamView, const BinnedView&, std::uint32_t*, std::span<const PartitionNode>,
                   std::span<std::uint32_t>) {
  NoCuda();
}
void PredictMargins(StreamView, const DeviceForest&, const float*, std::size_t, std::size_t,
                    std::size_t, const float*, float*) {
  NoCuda();
}
void PredictMargins(StreamView, const DeviceForest&, const DeviceMatrix&, const float*, float*) {
  NoCuda();
}
void PredictLeaves(StreamView, const DeviceForest&, const DeviceMatrix&, float*) {
  NoCuda();
}
void AddColumn(StreamView, const float*, std::size_t, int, int, float*) {
  NoCuda();
}
void UpdatePredictionCache(StreamView, const std::uint32_t*, std::span<const LeafSegment>, int, int,
                           float*) {
  NoCuda();
}
DeviceRocCurves RocCurvesOf(StreamView, const float*, std::size_t, const float*, const float*,
                            std::size_t) {
  NoCuda();
}
DevicePrCurves PrCurvesOf(StreamView, const float*, std::size_t, const float*, const float*,
                          std::size_t) {
  NoCuda();
}
void AddTreeMargins(StreamView, std::span<const FlatNode>, const DeviceMatrix&, int, int, float*) {
  NoCuda();
}
void TransformMargins(StreamView, const ObjectiveMath&, const float*, std::size_t, float*) {
  NoCuda();
}
RowMetricSums SumRowMetric(StreamView, const RowMetric&, const float*, std::size_t, const float*,
                           const float*, std::size_t) {
  NoCuda();
}
R2Sums SumR2(StreamView, const float*, const float*, const float*, std::size_t) {
  NoCuda();
}
double SumR2Spread(StreamView, double, const float*, const float*, std::size_t) {
  NoCuda();
}
ClassCounts CountClassRows(StreamView, const float*, std::size_t, const float*, const float*,
                           std::size_t) {
  NoCuda();
}
DeviceGroupSums RankSumsOf(StreamView, const RankMetric&, const float*, const float*,
                           const std::uint32_t*, std::size_t, const double*, std::size_t) {
  NoCuda();
}
DeviceGroupSums GroupPrAreasOf(StreamView, const float*, const float*, const std::uint32_t*,
                               std::size_t, std::size_t) {
  NoCuda();
}
DeviceGroupSums GroupPairSumsOf(StreamView, const float*, const std::uint32_t*,
                                const std::uint32_t*, std::size_t, std::size_t) {
  NoCuda();
}
void ZeroUnsampledRows(StreamView, std::uint64_t, double, std::size_t, GradientSum*) {
  NoCuda();
}
void SumForestNodes(StreamView, const GradientSum*, std::size_t, const float*, const std::uint32_t*,
                    std::span<const ForestNodeRows>, std::span<GradientSum>,
                    std::span<std::uint8_t>) {
  NoCuda();
}
void FindForestSplits(StreamView, const ForestSplitBatch&, std::span<FeatureSplit>) {
  NoCuda();
}
std::uint64_t ForestScanStackBytes(int) {
  NoCuda();
}
std::uint64_t RequireDeviceMemory(int, const MemoryEstimate&) {
  NoCuda();
}

}  // namespace grove::cuda_impl
