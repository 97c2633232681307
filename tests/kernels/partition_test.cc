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

TEST_CASE("PartitionRows handles a level of nodes with every kind of decision", "[unit]") {
  const test::BinnedFixture fx(60'000, 3, 25, false, 4);
  const BinnedView v = fx.View();
  const std::uint32_t feature = 1;  // has a missing bin
  const std::uint32_t missing_bin = fx.bins_per_feature[feature];
  struct Case {
    std::uint32_t split_bin;
    bool missing_left;
    std::size_t stride;  // the node holds every stride-th row
    std::size_t first;
  };
  // Nodes of many blocks, of one block, of one row and of none; missing rows left and right;
  // a split that sends no real bin left (only the missing rows, if they go left).
  const std::vector<Case> cases = {{7, true, 2, 0},        {3, false, 3, 1},
                                   {SplitCandidate::kNoBinLeft, true, 7, 2},
                                   {SplitCandidate::kNoBinLeft, false, 11, 3},
                                   {0, false, 50'000, 4},  {12, true, 100'000, 60'000}};
  for (const int threads : {1, 2, 3}) {
    INFO("threads " << threads);
    Context ctx;
    ctx.nthread = threads;
    std::vector<std::vector<std::uint32_t>> nodes;
    std::vector<std::vector<std::uint32_t>> expected;
    std::vector<std::size_t> expected_left;
    for (const Case& c : cases) {
      std::vector<std::uint32_t> rows;
      for (std::size_t r = c.first; r < fx.rows; r += c.stride) {
        rows.push_back(static_cast<std::uint32_t>(r));
      }
      const auto goes_left = [&](std::uint32_t r) {
        const std::uint32_t bin = v.LocalBin(r, feature);
        if (bin == missing_bin) return c.missing_left;
        return c.split_bin != SplitCandidate::kNoBinLeft && bin <= c.split_bin;
      };
      std::vector<std::uint32_t> e = rows;
      const auto pivot = std::stable_partition(e.begin(), e.end(), goes_left);
      expected_left.push_back(static_cast<std::size_t>(pivot - e.begin()));
      expected.push_back(std::move(e));
      nodes.push_back(std::move(rows));
    }
    std::vector<PartitionTask> tasks;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      SplitCandidate split;
      split.feature = static_cast<std::int32_t>(feature);
      split.split_bin = cases[i].split_bin;
      split.missing_left = cases[i].missing_left;
      tasks.push_back(PartitionTask{nodes[i], feature, split, missing_bin, 99});
    }
    PartitionRows(ctx, v, tasks);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      INFO("node " << i << " of " << nodes[i].size() << " rows");
      CHECK(nodes[i] == expected[i]);
      CHECK(tasks[i].left_count == expected_left[i]);
    }
  }
}
