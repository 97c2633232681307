// CPU stable partition: count each block's left rows, prefix-sum the counts, scatter into a
// scratch buffer at the block's offsets, copy back. Small nodes run whole, side by side.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "kernels/partition.h"

namespace grove::cpu_impl {
namespace {

constexpr std::size_t kBlockRows = 8192;

// Reads the split feature's bin of a row: from the column-major copy when there is one (a
// node's rows are ascending, so neighbouring rows share cache lines), else row-major.
template <typename BinT>
struct Decider {
  const BinT* base;    // column f's first bin, or the row-major matrix
  std::size_t stride;  // 1 for a column, features for rows
  const PartitionTask& task;
  Decider(const BinT* rows, const BinT* cols, std::size_t n_rows, std::size_t features,
          const PartitionTask& t)
      : base(cols != nullptr ? cols + t.feature * n_rows : rows + t.feature),
        stride(cols != nullptr ? 1 : features),
        task(t) {}
  bool operator()(std::uint32_t row) const {
    const std::uint32_t bin = base[static_cast<std::size_t>(row) * stride];
    return task.split.GoesLeft(bin, task.missing_bin);
  }
};

template <typename Decide>
void PartitionSerial(PartitionTask& task, Decide decide, std::vector<std::uint32_t>& scratch) {
  scratch.clear();
  std::size_t left = 0;
  for (const std::uint32_t row : task.rows) {
    if (decide(row)) {
      task.rows[left++] = row;  // never overtakes the read position: stable in place
    } else {
      scratch.push_back(row);
    }
  }
  std::copy(scratch.begin(), scratch.end(), task.rows.begin() + static_cast<std::ptrdiff_t>(left));
  task.left_count = left;
}

template <typename Decide>
void PartitionParallel(PartitionTask& task, Decide decide) {
  const std::size_t n = task.rows.size();
  const std::size_t blocks = (n + kBlockRows - 1) / kBlockRows;
  std::vector<std::size_t> left_counts(blocks);
  // Scratch arrays are written before they are read: default-initialised, not zeroed, which
  // saves two passes over 5 bytes per row.
  const std::unique_ptr<std::uint8_t[]> goes_left(new std::uint8_t[n]);
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
    const std::size_t end = std::min(n, (b + 1) * kBlockRows);
    std::size_t count = 0;
    for (std::size_t i = b * kBlockRows; i < end; ++i) {
      goes_left[i] = decide(task.rows[i]) ? 1 : 0;
      count += goes_left[i];
    }
    left_counts[b] = count;
  });
  std::vector<std::size_t> left_offset(blocks + 1, 0);
  for (std::size_t b = 0; b < blocks; ++b) left_offset[b + 1] = left_offset[b] + left_counts[b];
  const std::size_t total_left = left_offset[blocks];
  const std::unique_ptr<std::uint32_t[]> out(new std::uint32_t[n]);
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
    std::size_t l = left_offset[b];
    std::size_t r = total_left + b * kBlockRows - left_offset[b];
    const std::size_t end = std::min(n, (b + 1) * kBlockRows);
    for (std::size_t i = b * kBlockRows; i < end; ++i) {
      out[goes_left[i] ? l++ : r++] = task.rows[i];
    }
  });
  std::copy(out.get(), out.get() + n, task.rows.begin());
  task.left_count = total_left;
}

template <typename BinT>
void Run(const BinT* bins, const BinT* cols, std::size_t rows, std::size_t features,
         std::span<PartitionTask> tasks) {
  std::vector<std::size_t> small;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    if (tasks[t].rows.size() >= 4 * kBlockRows) {
      PartitionParallel(tasks[t], Decider<BinT>(bins, cols, rows, features, tasks[t]));
    } else {
      small.push_back(t);
    }
  }
  tbb::parallel_for(std::size_t{0}, small.size(), [&](std::size_t i) {
    thread_local std::vector<std::uint32_t> scratch;
    PartitionTask& task = tasks[small[i]];
    PartitionSerial(task, Decider<BinT>(bins, cols, rows, features, task), scratch);
  });
}

}  // namespace

void PartitionRows(const Context& ctx, const BinnedView& bins, std::span<PartitionTask> tasks) {
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] {
    if (bins.bins8 != nullptr) {
      Run(bins.bins8, bins.cols8, bins.rows, bins.features, tasks);
    } else {
      Run(bins.bins16, bins.cols16, bins.rows, bins.features, tasks);
    }
  });
}

}  // namespace grove::cpu_impl
