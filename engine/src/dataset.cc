#include "grove/dataset.h"

#include "grove/errors.h"

namespace grove {

DenseMatrix::DenseMatrix(std::size_t num_rows, std::size_t num_cols, float fill)
    : rows(num_rows), cols(num_cols), values(num_rows * num_cols, fill) {}

DenseMatrix CsrMatrix::ToDense() const {
  DenseMatrix dense(rows, cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::uint64_t k = row_ptr[r]; k < row_ptr[r + 1]; ++k) {
      dense.At(r, col_index[k]) = values[k];
    }
  }
  return dense;
}

std::size_t DataSet::NumRows() const {
  return IsDense() ? Dense().rows : Sparse().rows;
}

std::size_t DataSet::NumFeatures() const {
  return IsDense() ? Dense().cols : Sparse().cols;
}

std::vector<std::uint32_t> DataSet::GroupPointers() const {
  std::vector<std::uint32_t> pointers;
  if (qids.empty()) return pointers;
  GROVE_CHECK(qids.size() == NumRows(), "one query id per row");
  pointers.push_back(0);
  for (std::size_t i = 1; i < qids.size(); ++i) {
    if (qids[i] != qids[i - 1]) pointers.push_back(static_cast<std::uint32_t>(i));
  }
  pointers.push_back(static_cast<std::uint32_t>(qids.size()));
  return pointers;
}

}  // namespace grove
