// Random numbers whose bytes do not depend on the standard library: std::mt19937_64 is fully
// specified by the standard, but std::normal_distribution and std::uniform_*_distribution are not,
// so the conversions below are written out (Box-Muller for normals, 53-bit mantissa fill for
// uniforms, 128-bit multiply for bounded integers). Box-Muller calls std::log, std::sqrt, std::cos
// and std::sin: sqrt is exact in IEEE 754 and glibc's log/cos/sin are correctly rounded in
// practice, so only a different libm could move the last bit of a double (after rounding to float,
// almost never).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace star {

// SplitMix64 finaliser: turns (seed, stream id) into well-separated engine seeds, so every matrix
// of a generator has its own stream and changing one matrix's size does not shift another's values.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

class DeterministicRng {
 public:
  DeterministicRng(std::uint64_t seed, std::uint64_t stream) : engine_(mix_seed(seed, stream)) {}

  // Uniform in [0, 1): the top 53 bits of one engine output.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for log().
  double uniform_open0() { return static_cast<double>((engine_() >> 11) + 1) * 0x1.0p-53; }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; its bias below 2^-32 is irrelevant
  // here).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(engine_()) * n) >> 64);
  }
  // Standard normal by Box-Muller; the pair's second value is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double radius = std::sqrt(-2.0 * std::log(uniform_open0()));
    const double angle = 6.283185307179586 * uniform();
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace star
