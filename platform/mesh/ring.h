// ring (STAR-SPEC section 5): the key tiles are cut into P shards (whole tiles, as kv_split) held
// by P cores in a ring. The layer runs one K/V group (a phase) at a time: the group's query
// blocks are dealt to the ring members in contiguous runs (as query_split), and each member
// loads the group's K/V shard of its ring position from DRAM once. In P steps every member runs
// its queries against the shard it holds (a partial-output job whose K/V are on chip:
// CoreJob::kv_on_chip) while passing that shard to its ring successor over the NoC (double
// buffered: a step ends when the job, the outgoing shard and the incoming one are done). The
// ring is a cycle in snake order over the mesh, so successors are one hop apart (when W or H is
// even; otherwise the closing hop is longer). Each member keeps its blocks' partials and, once
// every shard has passed, merges them in shard order (sufa_merge, as kv_split's home cores:
// the result equals kv_split's bit for bit) and writes O once.
//
// Ring buffer [design]: a member holds the piece it computes with and receives the next one (K
// and V each) in a buffer next to its network interface, MeshConfig::ring_buffer_bytes (default
// 512 KiB, the multicast receive buffer's default: 4 tiles of 512 keys x d 128). When a shard
// (S / P keys) does not fit, the keys are cut into R x P pieces of whole tiles and the ring runs
// R rounds per K/V group (each piece still leaves DRAM once); plan_layer throws
// std::invalid_argument naming the sizes when not even one tile fits (4 x tile_keys x d x 2 B).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "mesh/kv_split.h"
#include "star_core/job_context.h"

namespace star {

struct MeshPlan;
struct MeshRunResult;

// A Hamiltonian cycle over a W x H mesh (core indices, row-major) in snake order: consecutive
// entries, and the last and the first, are one hop apart when W or H is even (and both >= 2).
std::vector<std::uint32_t> snake_ring(std::uint32_t width, std::uint32_t height);

struct RingSchedule {
  std::vector<std::uint32_t> members;  // ring position -> core
  std::uint32_t rounds = 1;            // per K/V group: rounds of P pieces (the ring buffer's fit)
  std::uint32_t phases = 0;            // K/V groups x rounds, run one after the other
  // Per core: the jobs (of MeshPlan::per_core) of phase f, step s are
  // [step_jobs[c][f * P + s], step_jobs[c][f * P + s + 1]).
  std::vector<std::vector<std::uint32_t>> step_jobs;
  // Per phase and ring position: where the piece's K and V rows start in DRAM and their bytes
  // (each; 0: an empty piece, when there are more pieces than tiles). Phase g R + rd holds
  // pieces rd P .. rd P + P - 1 of K/V group g (the partial tags' and merges' shard numbers).
  struct Shard {
    std::uint64_t k_addr = 0, v_addr = 0, bytes = 0;
  };
  std::vector<std::vector<Shard>> shards;  // [phase][shard]
};

// Throws std::invalid_argument when a ring buffer of `buffer_bytes` cannot hold one key tile and
// receive the next (K and V each: 4 x tile_keys x head_dim x 2 B); the message names the buffer
// as `buffer_name` (MeshConfig::ring_buffer_bytes, or a scenario's key).
void check_ring_buffer(std::uint32_t tile_keys, std::uint32_t head_dim, std::uint64_t buffer_bytes,
                       const std::string& buffer_name);

struct RingSplit {
  KeySplit split;  // jobs, tags and merges (home: the member owning the block)
  RingSchedule schedule;
};

// Groups of heads (part job, head) sharing one K/V head, each in `rounds` phases. Members: the
// first P = min(cores, tiles) cores of snake_ring(width, height). `buffer_bytes`: the ring
// buffer (see above); throws std::invalid_argument when one tile does not fit it.
RingSplit split_ring(const std::vector<std::vector<std::pair<const CoreJob*, std::uint32_t>>>& groups,
                     std::uint32_t width, std::uint32_t height, std::uint32_t cores,
                     const CoreConfig& core, std::uint64_t buffer_bytes);

// Spawns one thread per ring member that runs its steps: the shard loads (counted in the
// member's CoreActivity::dram_bytes), the shard passing in chunks of 16 KiB over the NoC (data
// class; counted in r.shard_messages / shard_bytes) and its jobs, each through `run_job(c, j)`
// (job j of MeshPlan::per_core[c], run to completion: PlanExecution's job path with its hooks
// and per-core statistics); each member calls `member_done(c)` at its end. Returns the number
// of threads.
std::uint32_t spawn_ring(SpatialStar& mesh, const MeshPlan& plan, MeshRunResult& r,
                         const std::function<void(std::uint32_t, std::size_t)>& run_job,
                         const std::function<void(std::uint32_t)>& member_done);

}  // namespace star
