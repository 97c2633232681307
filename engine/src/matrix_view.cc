#include "engine/src/matrix_view.h"

#include <algorithm>

namespace grove {

float MatrixView::At(std::size_t row, std::size_t col) const {
  if (kind == Kind::kDense) return dense[row * row_stride + col * col_stride];
  const std::uint32_t* begin = col_index + row_ptr[row];
  const std::uint32_t* end = col_index + row_ptr[row + 1];
  const std::uint32_t* it = std::lower_bound(begin, end, static_cast<std::uint32_t>(col));
  if (it == end || *it != col) return kMissing;
  return values[it - col_index];
}

}  // namespace grove
