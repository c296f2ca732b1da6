// Orchestrations: how one attention-only layer job (global addresses on the mesh) is split into
// per-core jobs, and running such a plan on a SpatialStar.
//
// Data movement (first slice; see docs/mesh.md):
//  - baseline: uncoordinated cores; whole query heads are dealt round-robin to the cores and each
//    core streams its heads' Q, K and V from DRAM itself.
//  - query_split: cores own contiguous runs of 128-query blocks (balanced over heads x blocks);
//    each core streams its queries and the full K/V of their heads from DRAM (DRAM traffic per
//    unit of work equals baseline's; the gain is load balance).
//  - query_split_multicast: the cores form groups (near the controllers); each group takes K/V
//    heads in turn and its members run one-block jobs of the same head in lockstep stripes; the K
//    and V tiles they stream leave DRAM once per stripe and reach all members as one multicast
//    (multicast_hub.h), so K/V DRAM bytes drop by the group size.
//  - kv_split: cores own contiguous key shards; every query block visits every shard; the SU-FA
//    partials go over the NoC to the block's home core, which merges them (kv_split.h).
//  - ring: cores own query blocks and one K/V shard each; the shards rotate around a snake-order
//    ring over the NoC, the partials merge where they are computed (ring.h).
// Every per-core job holds one query head (heads = kv_heads = 1) and a contiguous query range, so
// output rows equal the single-core model's bit for bit. Causal masking: a core's last query sits
// at position S - n_q + b, so its job sees only the first S - n_q + b keys with the full job's
// tile size (tile_keys), which keeps its tiles and positions those of the single-core run.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/op_counts.h"
#include "mesh/kv_split.h"
#include "mesh/ring.h"
#include "mesh/spatial_star.h"
#include "noc/noc_stats.h"
#include "star_core/core_job.h"
#include "star_core/job_context.h"

namespace star {

// The orchestrations, by name (docs/mesh.md describes their data movement).
enum class Orchestration { baseline, query_split, query_split_multicast, kv_split, ring };
// "baseline" | "query_split" | "query_split_multicast" | "kv_split" | "ring"
Orchestration parse_orchestration(const std::string& name);
std::string to_string(Orchestration o);
// Every orchestration, in the order above.
std::vector<Orchestration> all_orchestrations();
// Empty, or how far the packet NoC's makespan for `o` on a mesh whose NoC is `noc` is known to be
// from the flit NoC's, and why (docs/noc.md, "Mesh workloads: packet against flit"): ring, 7.7-11.4 %
// short (its jobs' DRAM reads and its shard hand-overs share links, which the flit routers
// interleave flit by flit and the packet model sends one after the other); kv_split with one VC
// per class, 7.6 % short. Flit fidelity gets none.
std::string packet_noc_caveat(Orchestration o, const NocConfig& noc);
// Whether plan_layer splits full-layer jobs (X and the weights in DRAM, each core generating its
// K/V on demand) with `o`: baseline, query_split and query_split_multicast (of the X rows) do.
bool takes_full_layer(Orchestration o);

// Automatic batching on the mesh (bench-mesh --batch-tiles 0, a scenario's batch_tiles: auto):
// auto_batch_tiles(layer, target_cells, functional) over the whole layer's cells, except that
// query_split_multicast's one-block jobs keep at least `min_job_cells` macro cells (k at most
// tiles / min_job_cells): a job of n tiles overlaps its pipeline stages less as k nears n
// (docs/mesh.md). Throws std::invalid_argument when target_cells or min_job_cells is 0.
std::uint32_t auto_batch_tiles(Orchestration o, const CoreJob& layer, std::uint64_t target_cells,
                               std::uint32_t min_job_cells, bool functional = false);

struct MeshPlan {
  Orchestration kind = Orchestration::query_split;
  std::vector<std::vector<CoreJob>> per_core;  // jobs each core runs in order (global addresses)
  std::uint64_t query_rows = 0;                // query rows of the whole job (all heads)
  // kv_split (kv_split.h): per core and job what it computes; the (head, block) partial merges.
  std::vector<std::vector<PartialJobTag>> tags;
  std::vector<PartialMerge> merges;
  std::uint32_t blocks = 0;
  // query_split_multicast: the groups' member cores, per core the stripe of each of its jobs
  // (a group's members start stripe s together, once every job of the earlier stripes is done),
  // and the K or V tiles a group may have in flight (delivered to some member, not yet consumed
  // by all): each member's receive buffer holds that many tiles (batched performance mode: that
  // many macro-cell bursts when they are longer than a tile).
  std::vector<std::vector<std::uint32_t>> groups;
  std::vector<std::vector<std::uint32_t>> stripes;
  std::uint32_t tiles_in_flight = 4;
  RingSchedule ring;  // ring (ring.h)
};

// The per-core job for query rows [a, b) of head h of `job` (scratch address left to the caller).
CoreJob query_range_job(const CoreJob& job, std::uint32_t h, std::uint32_t a, std::uint32_t b);

// Splits `job` over the first `active_cores` cores (0: all). Each core's scratch goes into its
// nearest controller at local offset `scratch_offset`, in equal slots. Throws
// std::invalid_argument for a bad core count, scratch that does not fit, an orchestration that
// does not take the job's kind (kv_split: attention-only), or a bad group count.
// `scratch_offset` 0: half of the controller's capacity. The layer may come as several parts
// (the K/V groups of a spread placement, mesh_placement.h): their heads are split together.
// `multicast_groups` (query_split_multicast): how many groups the cores form, 1 .. min(K/V heads,
// cores); 0: min(K/V heads, cores, controllers).
MeshPlan plan_layer(const std::vector<CoreJob>& parts, Orchestration kind, const MeshLayout& mesh,
                    std::uint32_t active_cores = 0, std::uint64_t scratch_offset = 0,
                    std::uint32_t multicast_groups = 0);
inline MeshPlan plan_layer(const CoreJob& job, Orchestration kind, const MeshLayout& mesh,
                           std::uint32_t active_cores = 0, std::uint64_t scratch_offset = 0,
                           std::uint32_t multicast_groups = 0) {
  return plan_layer(std::vector<CoreJob>{job}, kind, mesh, active_cores, scratch_offset, multicast_groups);
}

// What one core did over a run (summed over its jobs), for its energy.
struct CoreActivity {
  std::vector<std::uint64_t> stage_busy_cycles;  // per pipeline stage (StarCore::stages() order)
  std::vector<OpCounts> stage_ops;               // per pipeline stage
  std::uint64_t dram_bytes = 0;                  // its fetcher's DRAM traffic (read + written)
};

struct MeshRunResult {
  sc_core::sc_time makespan;                 // first start to last core done
  std::vector<sc_core::sc_time> core_busy;   // per core: sum of its jobs' times
  std::vector<std::uint32_t> core_jobs;      // per core: jobs run
  OpCounts ops;                              // all cores
  std::vector<CoreActivity> core_activity;   // per core
  NocStats noc;                              // the run's interval
  // The run's NoC messages and their latency per VC class: 0, requests and writes; 1, responses
  // and messages between cores (NocFabric::message_latency).
  std::vector<NocFabric::MessageLatency> noc_messages;
  std::vector<std::uint64_t> controller_bytes_read, controller_bytes_written;
  std::uint64_t partial_messages = 0, partial_bytes = 0;  // kv_split: partials sent over the NoC
  MulticastStats multicast;                  // the run's multicast rounds (query_split_multicast)
  std::uint64_t shard_messages = 0, shard_bytes = 0;      // ring: K/V shards passed on
};

// One plan in flight: one dispatcher thread per core starts its jobs in turn and waits for each
// completion (with kv_split's merger threads and query_split_multicast's stripe barriers). Used by
// run_plan and by the mesh command processor, which drives it from inside the simulation.
class PlanExecution {
 public:
  struct Hooks {
    // In core c's dispatcher before it starts its job j (the command processor's job message).
    std::function<void(std::uint32_t c, std::size_t j)> before_job;
    // In core c's dispatcher after its last job (the completion message).
    std::function<void(std::uint32_t c)> after_core;
  };
  // Checks the plan against the mesh (std::invalid_argument) and configures the multicast hub.
  // `mesh` and `plan` must outlive the execution.
  PlanExecution(SpatialStar& mesh, const MeshPlan& plan, PerformanceWorkload perf = {});
  ~PlanExecution();
  PlanExecution(const PlanExecution&) = delete;
  PlanExecution& operator=(const PlanExecution&) = delete;
  // Spawns the threads (call once, during the simulation); `done` runs when every one finished.
  void spawn(Hooks hooks, std::function<void()> done);
  bool finished() const { return spawned_ && remaining_ == 0; }
  // The run's figures; once finished.
  MeshRunResult result() const;

 private:
  struct Barrier;
  // Runs core c's job j to completion (hooks.before_job, start, wait) and records it.
  void run_job(const Hooks& hooks, std::uint32_t c, std::size_t j);

  SpatialStar& mesh_;
  const MeshPlan& plan_;
  PerformanceWorkload perf_;
  std::vector<Barrier> barriers_;
  std::vector<std::int32_t> group_of_;
  std::unique_ptr<PartialExchange> exchange_;
  MeshRunResult r_;
  MulticastStats multicast_before_;
  NocStats noc_before_;
  std::vector<NocFabric::MessageLatency> noc_messages_before_;
  sc_core::sc_time start_, end_;
  std::uint32_t remaining_ = 0;
  bool spawned_ = false;
};

// Runs the plan to completion (call from sc_main, outside the simulation).
MeshRunResult run_plan(SpatialStar& mesh, const MeshPlan& plan, PerformanceWorkload perf = {});

}  // namespace star
