// kv_split (STAR-SPEC section 5): the cores own contiguous key shards (runs of whole key tiles,
// i.e. SADS sub-segments) and every query block visits every shard. Each core runs, per query
// head, a partial-output job over its shard (CoreJob::tile_begin/tile_end, partial_output): per
// query row it keeps the SU-FA partial (m, l, o before the division, d + 2 binary32 values) on
// chip. The partials of one (head, query block) go as one NoC message per shard (response class,
// rows x (d + 2) x 4 bytes plus a header flit) to the block's home core, which merges them in
// shard order (sufa_merge, the same code as the algorithm model's) and writes O to DRAM.
//
// Selection: SADS selects per sub-segment and the shards are whole sub-segments of the full
// job's tiling, so each core's selection is the single-core selection restricted to its keys and
// the only difference from one core is the float reassociation of the merge (docs/mesh.md states
// the tolerance). Causal masking: a shard wholly after a block's last query is not visited by
// that block and sends nothing (the home core knows it from the schedule; equivalent to the
// empty partial m = -inf, l = 0); rows of a visited block that see no key of the shard send the
// empty partial.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "common/op_counts.h"
#include "star_core/core_job.h"

namespace star {

class SpatialStar;

// One (head, query block) of the layer: whose partials its home core merges, and where O goes.
struct PartialMerge {
  std::uint32_t home = 0;
  std::vector<std::uint32_t> shards;   // key shards the block visits, ascending (the merge order)
  std::uint64_t o_addr = 0;            // the block's first O row
  std::uint32_t rows = 0, head_dim = 0;
  double v_scale = 1;
};

// What a partial-output job computes: its layer head, its key shard, and its query blocks
// [block0, block0 + blocks) within the head (block b's partials belong to merge
// head * blocks per head + block0 + b).
struct PartialJobTag {
  std::uint32_t head = 0, shard = 0, block0 = 0, blocks = 0;
};

struct KeySplit {
  std::vector<std::vector<CoreJob>> per_core;        // one partial-output job per (core, head)
  std::vector<std::vector<PartialJobTag>> tags;      // per core and job
  std::vector<PartialMerge> merges;                  // [layer head * blocks + block]
  std::uint32_t blocks = 0;                          // query blocks per head
};

// Splits the heads (each a part job and a head within it) over the first `cores` cores: the key
// tiles are cut into min(cores, tiles) contiguous shards; homes are dealt round-robin over the
// (head, block) units. `core` is the cores' configuration (for the schedule's causal skips).
KeySplit split_keys(const std::vector<std::pair<const CoreJob*, std::uint32_t>>& heads,
                    std::uint32_t cores, const CoreConfig& core);

// The exchange of partials while a kv_split plan runs: the cores' dispatchers hand it each
// finished job; per core one sender thread sends the job's block partials over the NoC, one
// merger thread merges the blocks it is home to (timed on its SU-FA combine and divider units)
// and writes O through its fetcher (a timed write over the mesh, and the data in functional
// mode).
class PartialExchange {
 public:
  PartialExchange(SpatialStar& mesh, const std::vector<PartialMerge>& merges,
                  const std::vector<std::vector<PartialJobTag>>& tags, std::uint32_t blocks);

  // Spawns the threads; `on_merger_done(core)` is called when a core's last merge is written.
  // Returns the number of merger threads spawned.
  std::uint32_t spawn(const std::function<void()>& on_merger_done);
  // Core c finished its job j: queue the job's partials (call before the core's next start).
  void job_done(std::uint32_t c, std::size_t j);

  std::uint64_t messages() const { return messages_; }          // partial messages over the NoC
  std::uint64_t message_bytes() const { return message_bytes_; } // their payload bytes
  std::uint64_t local_partials() const { return local_; }        // partials merged where computed
  const OpCounts& ops() const { return ops_; }                   // the merges' operations

 private:
  struct Outgoing {
    std::uint32_t merge, slot;
    std::vector<float> data;
  };
  struct Pending {
    std::vector<std::vector<float>> slots;
    std::uint32_t received = 0;
  };
  void send_loop(std::uint32_t c, std::uint64_t count);
  void merge_loop(std::uint32_t c, std::uint64_t count, std::function<void()> done);
  void deliver(std::uint32_t merge, std::uint32_t slot, std::vector<float> data);

  SpatialStar& mesh_;
  const std::vector<PartialMerge>& merges_;
  const std::vector<std::vector<PartialJobTag>>& tags_;
  std::uint32_t blocks_;
  std::vector<std::vector<Outgoing>> outbox_;        // per core, FIFO
  std::vector<std::size_t> outbox_next_;
  std::vector<std::unique_ptr<sc_core::sc_event>> outbox_event_, ready_event_;
  std::vector<std::vector<std::uint32_t>> ready_;    // per home core: merges with every partial
  std::vector<std::size_t> ready_next_;
  std::vector<Pending> pending_;
  std::uint64_t messages_ = 0, message_bytes_ = 0, local_ = 0;
  std::vector<std::uint64_t> sends_;  // per core: partials it hands over
  OpCounts ops_;
};

}  // namespace star
