// Quantities with units in scenario files: `1 GHz`, `512 KiB`, `256 GB/s`, `100 ns`. A bare number
// means the base unit (Hz, bytes, bytes/s); a time needs its unit unless it is 0, since a bare
// `100` could be seconds or nanoseconds. SI prefixes are decimal (kB = 1000 B), IEC prefixes
// binary (KiB = 1024 B), as in the units standard.
#pragma once

#include <string>

namespace star {

enum class Dimension { frequency, bytes, bandwidth, time };

// Value in the base unit: Hz, bytes, bytes per second, picoseconds. Throws std::invalid_argument
// naming the accepted units when the text is not a non-negative number with a known unit.
double parse_quantity(const std::string& text, Dimension dim);

// Text that parse_quantity turns back into exactly `value`, with the largest unit that keeps the
// number whole (`1 GHz`, `192 KiB`, `256 GB/s`, `100 ns`), else the base unit.
std::string format_quantity(double value, Dimension dim);

// The accepted unit names of a dimension, for messages and the documentation.
std::string unit_names(Dimension dim);
// The base unit's name (Hz, B, B/s, ps).
std::string base_unit(Dimension dim);

}  // namespace star
