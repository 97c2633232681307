#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "kernel_fixture.h"
#include "kernels/partition.h"

using namespace grove;

TEST_CASE("PartitionRows is a stable partition by the split's bin rule", "[unit]") {
  const bool wide = GENERATE(false, true);
  const test::BinnedFixture fx(100'000, 4, 25, wide, 9);
  const bool columns = GENERATE(false, true);  // read the column-major copy, or the rows
  BinnedView v = fx.View();
  std::vector<std::uint8_t> cols8;
  std::vector<std::uint16_t> cols16;
  if (columns) {
    for (std::size_t f = 0; f < fx.features; ++f) {
      for (std::size_t r = 0; r < fx.rows; ++r) {
        if (wide) {
          cols16.push_back(static_cast<std::uint16_t>(v.LocalBin(r, f)));
        } else {
          cols8.push_back(static_cast<std::uint8_t>(v.LocalBin(r, f)));
        }
      }
    }
    v.cols8 = wide ? nullptr : cols8.data();
    v.cols16 = wide ? cols16.data() : nullptr;
  }
  const std::uint32_t feature = 1;  // has a missing bin (index bins_per_feature[1])
  SplitCandidate split;
  split.feature = static_cast<std::int32_t>(feature);
  split.split_bin = 7;
  split.missing_left = true;
  const std::uint32_t missing_bin = fx.bins_per_feature[feature];
  std::vector<std::uint32_t> rows;
  for (std::uint32_t r = 0; r < fx.rows; r += 3) rows.push_back(r);  // a large node
  std::vector<std::uint32_t> small = {5, 6, 7, 8, 9, 10, 99};        // a small node
  std::vector<std::uint32_t> expected_large = rows, expected_small = small;
  const auto goes_left = [&](std::uint32_t r) {
    const std::uint32_t bin = v.LocalBin(r, feature);
    return bin == missing_bin ? true : bin <= 7;
  };
  const auto pivot_large = std::stable_partition(expected_large.begin(), expected_large.end(), goes_left);
  const auto pivot_small = std::stable_partition(expected_small.begin(), expected_small.end(), goes_left);
  for (const int threads : {1, 2}) {
    Context ctx;
    ctx.nthread = threads;
    std::vector<std::uint32_t> a = rows, b = small;
    std::vector<PartitionTask> tasks(2);
    tasks[0] = PartitionTask{a, feature, split, missing_bin, 0};
    tasks[1] = PartitionTask{b, feature, split, missing_bin, 0};
    PartitionRows(ctx, v, tasks);
    CHECK(a == expected_large);
    CHECK(b == expected_small);
    CHECK(tasks[0].left_count == static_cast<std::size_t>(pivot_large - expected_large.begin()));
    CHECK(tasks[1].left_count == static_cast<std::size_t>(pivot_small - expected_small.begin()));
  }
}
