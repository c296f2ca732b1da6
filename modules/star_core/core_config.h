// Organisation of one STAR core (STAR-SPEC section 3, SOFA's organisation at 1 GHz): array sizes,
// unit counts, buffer capacities, FIFO depths and the fetcher's interface. Every latency the
// SystemC blocks annotate follows from these numbers (see each block's header).
#pragma once

#include <cstdint>
#include <string>

namespace star {

struct CoreConfig {
  double clock_hz = 1e9;
  // DLZS engine: 128 LZ encoders, a 128 x 32 shift-add array.
  std::uint32_t lz_encoders = 128;
  std::uint32_t dlzs_rows = 128, dlzs_cols = 32;
  // SADS engine: one 16-to-4 bitonic sort core and clipping unit per query row.
  std::uint32_t sort_cores = 128;
  // KV-generation array: 128 x 4 16-bit PEs (Q for every query, K/V for selected tokens).
  std::uint32_t kvgen_rows = 128, kvgen_cols = 4;
  // SU-FA engine: two 128 x 2 16-bit arrays (SA-1 for QK^T, SA-2 for PV), 128 EXP, 128 DIV.
  std::uint32_t sufa_rows = 128, sufa_cols = 2;
  std::uint32_t exp_units = 128, div_units = 128;
  // SRAM (bytes).
  std::uint64_t token_buffer_bytes = 192 * 1024;
  std::uint64_t weight_buffer_bytes = 96 * 1024;
  std::uint64_t temp_buffer_bytes = 28 * 1024;
  std::uint32_t kv_buffer_rows = 64;  // rows the vanilla (RASS off) gather can reuse
  // Tile FIFOs between stages (tiles).
  std::uint32_t fifo_depth = 2;
  // Data fetcher: bytes per core cycle on its memory interface, and the longest burst.
  std::uint32_t fetch_bytes_per_cycle = 64;
  std::uint32_t max_burst_bytes = 16 * 1024;
  // Fixed pipeline overheads (cycles) per tile and per stage.
  std::uint32_t stage_overhead_cycles = 8;

  double period_ns() const { return 1e9 / clock_hz; }
  // Throws std::invalid_argument naming the field and its allowed range.
  void validate() const;
};

}  // namespace star
