#!/usr/bin/env bash
# Fails when a tracked C++/CUDA source differs from what clang-format (.clang-format) would write.
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format="${CLANG_FORMAT:-clang-format}"
mapfile -t files < <(git ls-files '*.h' '*.cc' '*.cu' '*.cuh')
"$clang_format" --dry-run -Werror "${files[@]}"
echo "check-format: ${#files[@]} files are formatted"
