// engine/src/random.h — counter-based randomness: every random choice is a pure function of
// (seed, what is being decided), never of a shared generator's history.
//
//   Random rng = Random::For(seed, kStreamRowSample, round);   // one stream per decision
//   bool keep = rng.Uniform() < subsample;
//   auto picked = SampleFeatures(features, 0.5, Random::For(seed, kStreamByNode, round, node));
//
// Why: a resumed job must replay round k's choices without replaying rounds 0..k-1, and
// threads must not race on a generator; deriving each stream from its coordinates gives both.
// SplitMix64 (Steele, Lea & Flood 2014) mixes the coordinates; xoshiro-style quality is not
// needed for sampling rows and columns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/common/counter_random.h"

namespace grove {

enum RandomStream : std::uint64_t {
  kStreamRowSample = 1,
  kStreamByTree = 2,
  kStreamByLevel = 3,
  kStreamByNode = 4,
  kStreamBootstrap = 5,
};

class Random {
 public:
  static std::uint64_t Mix(std::uint64_t x) { return CounterMix(x); }
  static Random For(std::uint64_t seed, std::uint64_t stream, std::uint64_t a = 0,
                    std::uint64_t b = 0, std::uint64_t c = 0) {
    return Random(Mix(Mix(Mix(Mix(seed) ^ stream) ^ a) ^ b) ^ c);
  }
  explicit Random(std::uint64_t state) : state_(state) {}

  std::uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n).
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }

  /// A uniform draw for the `index`-th item of a stream without generating the ones before
  /// it (rows of a row sample are decided independently and in parallel).
  static double UniformAt(std::uint64_t stream_key, std::uint64_t index) {
    return CounterUniform(stream_key, index);  // shared with the CUDA row sample
  }

 private:
  std::uint64_t state_;
};

/// max(1, floor(fraction * |features|)) features chosen without replacement, returned in
/// ascending order (the order split evaluation breaks ties in). fraction >= 1 keeps all.
inline std::vector<std::uint32_t> SampleFeatures(std::span<const std::uint32_t> features,
                                                 double fraction, Random rng) {
  std::vector<std::uint32_t> out(features.begin(), features.end());
  if (fraction >= 1.0 || out.empty()) return out;
  const std::size_t keep = std::max<std::size_t>(
      1, static_cast<std::size_t>(fraction * static_cast<double>(out.size())));
  for (std::size_t i = 0; i < keep; ++i) {  // partial Fisher-Yates
    std::swap(out[i], out[i + rng.Below(out.size() - i)]);
  }
  out.resize(keep);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace grove
