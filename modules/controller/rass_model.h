// RASS, the reuse-aware schedule (STAR-SPEC 2.4): the queries of a block select different but
// overlapping K/V rows of a key tile. Instead of gathering every query's rows one query after the
// other (the vanilla dynamic-sparsity gather, which reloads a shared row for each query that wants
// it unless it is still in the K/V buffer), RASS records per key row which queries want it (a
// bitmask-indexed ID buffer) and issues each row once, rows shared by most queries first, so the
// loaded row is broadcast to every query lane that selected it.
#pragma once

#include <cstdint>
#include <vector>

#include "common/op_counts.h"
#include "common/selection.h"

namespace star {

struct RassPlan {
  std::vector<std::uint32_t> order;      // K/V rows in issue order, each exactly once
  std::vector<std::uint32_t> sharers;    // number of queries using order[i]
  std::uint64_t loads_with_rass = 0;     // rows loaded with RASS (= union size)
  std::uint64_t loads_without_rass = 0;  // rows loaded by the vanilla per-query gather
  std::uint64_t selected = 0;            // sum over queries of the rows each selected
  OpCounts ops;                          // adds/compares the scheduler spends
};

// selections: one entry per query of the block (none may be null); tile: which key tile (every
// selection must have it); kv_buffer_rows: capacity, in rows, of the K/V buffer the vanilla gather
// can reuse from. The vanilla gather processes the queries one after another, each loading its rows
// in ascending index order through an LRU buffer that starts empty; 0 = no reuse, so its loads are
// the sum of the per-query counts.
// Order: sharers non-increasing; ties issue the lower row index first.
// Throws std::invalid_argument for a null selection, a tile index out of range or a row selected
// twice by one query.
// Cost model of the scheduler (ops): one add per (query, row) selection (the ID-buffer bit is set
// and the row's sharer counter incremented: an incremental popcount), then a counting sort over the
// union on the sharer count: one compare (bucket select) and one add (bucket offset) per union row.
RassPlan rass_plan(const std::vector<const RowSelection*>& selections, std::uint32_t tile,
                   std::uint32_t kv_buffer_rows);

}  // namespace star
