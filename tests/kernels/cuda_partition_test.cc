// [cuda] stable partition of many nodes at once: the same rows, in the same order, as
// cpu_impl::PartitionRows.
#include <catch2/catch.hpp>

#include <numeric>
#include <random>

#include "cuda_fixture.h"
#include "kernels/cuda/kernels.h"
#include "kernels/partition.h"

using namespace grove;
using namespace grove::cuda_impl;

TEST_CASE("CUDA partition equals the CPU's stable partition", "[cuda]") {
  const bool wide = GENERATE(false, true);
  const test::BinnedFixture fx(80'000, 5, wide ? 500 : 30, wide, 31);
  std::mt19937_64 rng(7);
  // The row index after a few levels: rows in a shuffled order, cut into nodes of very
  // different sizes, one of them empty.
  std::vector<std::uint32_t> index(fx.rows);
  std::iota(index.begin(), index.end(), 0U);
  std::shuffle(index.begin(), index.end(), rng);
  const std::vector<std::uint32_t> sizes = {50'000, 0, 1, 7, 20'000, 9'992};
  std::vector<PartitionNode> nodes;
  std::vector<PartitionTask> tasks;
  std::vector<std::uint32_t> cpu = index;
  std::uint32_t begin = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const auto feature = static_cast<std::uint32_t>(i % fx.features);
    const std::uint32_t real_bins = fx.bins_per_feature[feature];
    const std::uint32_t missing_bin =
        fx.has_missing[feature] != 0 ? real_bins : SplitCandidate::kNoBinLeft;
    SplitCandidate split;
    split.feature = static_cast<std::int32_t>(feature);
    split.split_bin =
        i == 3 ? SplitCandidate::kNoBinLeft : static_cast<std::uint32_t>(rng() % real_bins);
    split.missing_left = i % 2 == 0;
    nodes.push_back(
        PartitionNode{begin, sizes[i], feature, split.split_bin, missing_bin, split.missing_left});
    tasks.push_back(
        PartitionTask{std::span(cpu).subspan(begin, sizes[i]), feature, split, missing_bin, 0});
    begin += sizes[i];
  }
  REQUIRE(begin == fx.rows);
  cpu_impl::PartitionRows(Context{}, fx.View(), tasks);

  const test::DeviceFixture dev(fx);
  auto d_rows = test::ToDevice(index);
  std::vector<std::uint32_t> left(nodes.size());
  const Stream stream;
  PartitionRows(stream.View(), dev.View(), d_rows.data(), nodes, left);
  CHECK(d_rows.ToHost() == cpu);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    INFO("node " << i);
    CHECK(left[i] == tasks[i].left_count);
  }
}
