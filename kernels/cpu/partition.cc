// CPU stable partition of every node of a level at once. The nodes' rows are cut into blocks
// that run in one oneTBB loop: each block writes its left rows and its right rows, in order,
// to two scratch arrays (without branches: every row is written to both, and only one cursor
// moves). Then per-node prefix sums of the blocks' left counts give each block's place, and
// a second loop copies the blocks' halves back into the node's range. With one thread (the
// trees of a forest) each node is partitioned in place instead.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/partition.h"

namespace grove::cpu_impl {
namespace {

constexpr std::size_t kBlockRows = 8192;

// Whether a row goes left: reads the split feature's bin from the column-major copy when there
// is one (a node's rows are ascending, so neighbouring rows share cache lines), else from the
// row-major matrix; SplitCandidate::GoesLeft in arithmetic form, which compiles to no branch.
template <typename BinT>
class Decider {
 public:
  Decider(const BinnedView& bins, const BinT* rows, const BinT* cols, const PartitionTask& t)
      : base_(cols != nullptr ? cols + t.feature * bins.rows : rows + t.feature),
        stride_(cols != nullptr ? 1 : bins.features),
        last_left_(t.split.split_bin == SplitCandidate::kNoBinLeft
                       ? -1
                       : static_cast<std::int64_t>(t.split.split_bin)),
        missing_bin_(t.missing_bin),
        missing_left_(t.split.missing_left) {}

  bool operator()(std::uint32_t row) const {
    const std::uint32_t bin = base_[static_cast<std::size_t>(row) * stride_];
    const bool missing = bin == missing_bin_;
    const bool below = static_cast<std::int64_t>(bin) <= last_left_;
    return (missing & missing_left_) | (!missing & below);
  }

 private:
  const BinT* base_;
  std::size_t stride_;
  std::int64_t last_left_;  // bins up to this one go left; -1: none does
  std::uint32_t missing_bin_;
  bool missing_left_;
};

// A block of one task's rows: [begin, end) of task.rows; `scratch` is where its rows start
// in the scratch arrays; `left` is filled by the first pass.
struct Block {
  std::size_t task = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t scratch = 0;
  std::size_t left = 0;
};

// The calling thread's scratch arrays, grown as needed and kept from one call to the next (no
// fresh pages for every level of every tree). A thread that re-enters while its scratch is in
// use (oneTBB may run another task while it waits) gets private arrays instead.
class ScratchLease {
 public:
  /// `lefts_too`: whether the left rows need an array too (the in-place serial path does not).
  ScratchLease(std::size_t n, bool lefts_too) {
    thread_local Scratch kept;
    scratch_ = kept.in_use ? &own_ : &kept;
    scratch_->in_use = true;
    if (lefts_too && scratch_->lefts.size() < n) scratch_->lefts.resize(n);
    if (scratch_->rights.size() < n) scratch_->rights.resize(n);
    lefts = scratch_->lefts.data();
    rights = scratch_->rights.data();
  }
  ~ScratchLease() { scratch_->in_use = false; }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;

  std::uint32_t* lefts = nullptr;
  std::uint32_t* rights = nullptr;

 private:
  struct Scratch {
    std::vector<std::uint32_t> lefts;
    std::vector<std::uint32_t> rights;
    bool in_use = false;
  };
  Scratch own_;
  Scratch* scratch_ = nullptr;
};

// One thread: each node in place, lefts moving down its range and rights to the scratch.
template <typename BinT>
void RunSerial(const BinnedView& bins, const BinT* row_bins, const BinT* col_bins,
               std::span<PartitionTask> tasks) {
  std::size_t most = 0;
  for (const PartitionTask& task : tasks) most = std::max(most, task.rows.size());
  ScratchLease scratch(most, false);
  for (PartitionTask& task : tasks) {
    const Decider<BinT> decide(bins, row_bins, col_bins, task);
    const std::size_t n = task.rows.size();
    std::size_t l = 0;
    std::size_t r = 0;
    for (std::size_t begin = 0; begin < n; begin += kBlockRows) {
      const std::size_t size = std::min(kBlockRows, n - begin);
      std::uint8_t goes_left[kBlockRows];  // decided first, as in Run
      for (std::size_t i = 0; i < size; ++i) goes_left[i] = decide(task.rows[begin + i]) ? 1 : 0;
      for (std::size_t i = 0; i < size; ++i) {
        const std::uint32_t row = task.rows[begin + i];
        task.rows[l] = row;  // l never passes the read position
        scratch.rights[r] = row;
        l += goes_left[i];
        r += 1U - goes_left[i];
      }
    }
    std::copy_n(scratch.rights, r, task.rows.begin() + static_cast<std::ptrdiff_t>(l));
    task.left_count = l;
  }
}

template <typename BinT>
void Run(const BinnedView& bins, const BinT* row_bins, const BinT* col_bins,
         std::span<PartitionTask> tasks) {
  std::vector<Block> blocks;
  std::size_t total = 0;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const std::size_t n = tasks[t].rows.size();
    for (std::size_t begin = 0; begin < n; begin += kBlockRows) {
      blocks.push_back(Block{t, begin, std::min(n, begin + kBlockRows), total + begin, 0});
    }
    total += n;
  }
  ScratchLease scratch(total, true);
  std::vector<Decider<BinT>> deciders;
  deciders.reserve(tasks.size());
  for (const PartitionTask& task : tasks) deciders.emplace_back(bins, row_bins, col_bins, task);

  tbb::parallel_for(std::size_t{0}, blocks.size(), [&](std::size_t b) {
    Block& block = blocks[b];
    const std::span<const std::uint32_t> rows = tasks[block.task].rows;
    const Decider<BinT>& decide = deciders[block.task];
    std::uint32_t* const lefts = scratch.lefts + block.scratch;
    std::uint32_t* const rights = scratch.rights + block.scratch;
    // Decide the whole block first: its loads of scattered bins do not wait on the cursors
    // of the writes below, so the processor overlaps them.
    std::uint8_t goes_left[kBlockRows];
    const std::size_t size = block.end - block.begin;
    for (std::size_t i = 0; i < size; ++i) goes_left[i] = decide(rows[block.begin + i]) ? 1 : 0;
    std::size_t l = 0;
    std::size_t r = 0;
    for (std::size_t i = 0; i < size; ++i) {
      const std::uint32_t row = rows[block.begin + i];
      lefts[l] = row;
      rights[r] = row;
      l += goes_left[i];
      r += 1U - goes_left[i];
    }
    block.left = l;
  });

  // Each block's place: its task's earlier blocks' lefts before its lefts, all the task's
  // lefts and its earlier blocks' rights before its rights.
  std::vector<std::size_t> left_before(blocks.size());
  for (std::size_t b = 0; b < blocks.size();) {
    const std::size_t t = blocks[b].task;
    std::size_t sum = 0;
    for (; b < blocks.size() && blocks[b].task == t; ++b) {
      left_before[b] = sum;
      sum += blocks[b].left;
    }
    tasks[t].left_count = sum;
  }
  for (PartitionTask& task : tasks) {
    if (task.rows.empty()) task.left_count = 0;
  }

  tbb::parallel_for(std::size_t{0}, blocks.size(), [&](std::size_t b) {
    const Block& block = blocks[b];
    PartitionTask& task = tasks[block.task];
    const std::size_t rights = block.end - block.begin - block.left;
    const std::size_t right_before = block.begin - left_before[b];
    std::copy_n(scratch.lefts + block.scratch, block.left,
                task.rows.begin() + static_cast<std::ptrdiff_t>(left_before[b]));
    std::copy_n(scratch.rights + block.scratch, rights,
                task.rows.begin() + static_cast<std::ptrdiff_t>(task.left_count + right_before));
  });
}

}  // namespace

void PartitionRows(const Context& ctx, const BinnedView& bins, std::span<PartitionTask> tasks) {
  if (ctx.Threads() == 1) {
    if (bins.bins8 != nullptr) {
      RunSerial(bins, bins.bins8, bins.cols8, tasks);
    } else {
      RunSerial(bins, bins.bins16, bins.cols16, tasks);
    }
    return;
  }
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] {
    if (bins.bins8 != nullptr) {
      Run(bins, bins.bins8, bins.cols8, tasks);
    } else {
      Run(bins, bins.bins16, bins.cols16, tasks);
    }
  });
}

}  // namespace grove::cpu_impl
