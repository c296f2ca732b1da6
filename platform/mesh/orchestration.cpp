#include "mesh/orchestration.h"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <sysc/kernel/sc_dynamic_processes.h>

namespace star {

std::vector<Orchestration> all_orchestrations() {
  return {Orchestration::baseline, Orchestration::query_split, Orchestration::query_split_multicast,
          Orchestration::kv_split, Orchestration::ring};
}

bool takes_full_layer(Orchestration o) {
  return o == Orchestration::baseline || o == Orchestration::query_split || o == Orchestration::query_split_multicast;
}

std::uint32_t auto_batch_tiles(Orchestration o, const CoreJob& layer, std::uint64_t target_cells,
                               std::uint32_t min_job_cells, bool functional) {
  if (min_job_cells == 0) throw std::invalid_argument("automatic batching: min_job_cells must be at least 1");
  const std::uint32_t k = auto_batch_tiles(layer, target_cells, functional);
  if (o != Orchestration::query_split_multicast) return k;
  return std::min(k, std::max<std::uint32_t>(1, layer.tiling().n_tiles() / min_job_cells));
}

Orchestration parse_orchestration(const std::string& name) {
  for (Orchestration o : all_orchestrations())
    if (name == to_string(o)) return o;
  throw std::invalid_argument("unknown orchestration '" + name +
                              "' (known: baseline, query_split, query_split_multicast, kv_split, ring)");
}

std::string to_string(Orchestration o) {
  switch (o) {
    case Orchestration::baseline: return "baseline";
    case Orchestration::query_split: return "query_split";
    case Orchestration::query_split_multicast: return "query_split_multicast";
    case Orchestration::kv_split: return "kv_split";
    case Orchestration::ring: return "ring";
  }
  return "?";
}

std::string packet_noc_caveat(Orchestration o, const NocConfig& noc) {
  if (noc.fidelity != NocFidelity::Packet) return "";
  const char* advice = "; confirm with mesh.noc.fidelity=flit (docs/noc.md, \"Mesh workloads: packet against flit\")";
  if (o == Orchestration::ring)
    return std::string("the packet NoC's makespan was 7.7-11.4 % shorter than the flit NoC's on scenarios/mesh-4x4.yaml "
                       "and its variants (the jobs' DRAM reads and the shard hand-overs share links, which the flit "
                       "routers interleave flit by flit and the packet model sends one after the other)") + advice;
  if (o == Orchestration::kv_split && noc.vcs_per_class() == 1)
    return std::string("with one VC per class the packet NoC's makespan was 7.6 % shorter than the flit NoC's on "
                       "scenarios/mesh-4x4.yaml (a packet longer than a buffer waits for the other class's long "
                       "packets, where the flit routers interleave them)") + advice;
  return "";
}

CoreJob query_range_job(const CoreJob& job, std::uint32_t h, std::uint32_t a, std::uint32_t b) {
  if (h >= job.heads || a >= b || b > job.queries())
    throw std::invalid_argument("query_range_job: head " + std::to_string(h) + " rows [" +
                                std::to_string(a) + ", " + std::to_string(b) + ") outside the job");
  job.algo.validate(job.seq_len);  // the full job's tiling, before a causal slice narrows it
  const std::uint32_t g = h / job.group();
  CoreJob sub = job;
  sub.heads = sub.kv_heads = 1;
  sub.n_queries = b - a;
  sub.o_addr = job.o_row(h, a);
  if (job.kind == JobKind::full_layer) {
    // The head's weight slices and shifts; the query rows are X rows, K/V come from all of X.
    const std::uint64_t wslice = std::uint64_t(job.d_model) * job.head_dim;
    sub.wq_addr = job.wq_addr + h * wslice;
    sub.wk_addr = job.wk_addr + g * wslice;
    sub.wv_addr = job.wv_addr + g * wslice;
    sub.shifts.q = {job.shifts.q.at(h)};
    sub.shifts.k = {job.shifts.k.at(g)};
    sub.shifts.v = {job.shifts.v.at(g)};
    sub.shifts.k_hat = {job.shifts.k_hat.at(g)};
    sub.tokens_after_queries = job.tokens_after_queries + (job.queries() - b);
  } else {
    sub.q_addr = job.q_row(h, a);
    sub.k_addr = job.k_row(g, 0);
    sub.v_addr = job.v_row(g, 0);
  }
  if (job.algo.causal) {
    sub.tokens_after_queries = 0;
    // Keys after the core's last query are never visible: drop them, keeping the full job's tiles.
    // Rows that end before one tile see a single partial tile: a tile of exactly their keys (the
    // single-core job's first tile cut at the same causal horizon, same budgets and order).
    sub.seq_len = job.seq_len - job.queries() + b;
    sub.algo.tile_keys = std::min(job.tiling().tile_keys, sub.seq_len);
  }
  return sub;
}

namespace {

struct HeadRef {
  const CoreJob* part;
  std::uint32_t head;  // within the part
};

std::vector<HeadRef> all_heads(const std::vector<CoreJob>& parts) {
  std::vector<HeadRef> heads;
  for (const CoreJob& p : parts)
    for (std::uint32_t h = 0; h < p.heads; ++h) heads.push_back({&p, h});
  return heads;
}

// Heads dealt round-robin, whole.
std::vector<std::vector<CoreJob>> split_baseline(const std::vector<HeadRef>& heads, std::uint32_t cores) {
  std::vector<std::vector<CoreJob>> per(cores);
  for (std::size_t i = 0; i < heads.size(); ++i)
    per[i % cores].push_back(query_range_job(*heads[i].part, heads[i].head, 0, heads[i].part->queries()));
  return per;
}

// Units are (head, query block) in head-major order; core c owns units [c U / N, (c + 1) U / N).
std::vector<std::vector<CoreJob>> split_queries(const std::vector<HeadRef>& heads, std::uint32_t cores) {
  const CoreJob& first = *heads.front().part;
  const std::uint32_t nq = first.queries(), T = std::max<std::uint32_t>(1, first.algo.block_queries);
  const std::uint64_t blocks = (nq + T - 1) / T, units = blocks * heads.size();
  std::vector<std::vector<CoreJob>> per(cores);
  for (std::uint32_t c = 0; c < cores; ++c) {
    const std::uint64_t u0 = units * c / cores, u1 = units * (c + 1) / cores;
    for (std::uint64_t u = u0; u < u1;) {
      const std::uint64_t h = u / blocks;
      const std::uint64_t end = std::min(u1, (h + 1) * blocks);  // stay within the head
      const std::uint32_t a = static_cast<std::uint32_t>((u - h * blocks) * T);
      const std::uint32_t b = static_cast<std::uint32_t>(std::min<std::uint64_t>(nq, (end - h * blocks) * T));
      per[c].push_back(query_range_job(*heads[h].part, heads[h].head, a, b));
      u = end;
    }
  }
  return per;
}

// query_split_multicast. Groups: min(K/V heads, cores, controllers) of them, the cores sorted by
// their nearest controller so a group sits next to one; K/V head u goes to group u mod groups
// (with the spread placement head u lives in controller u mod M: the group next to it). A group
// walks its heads' (query head, block) items; stripe s hands items s P_g .. s P_g + P_g - 1 to its
// P_g members, one block each.
std::vector<std::vector<CoreJob>> split_multicast(const std::vector<CoreJob>& parts, std::uint32_t cores,
                                                  std::uint32_t groups, const MeshLayout& mesh, MeshPlan& plan) {
  struct Unit {
    const CoreJob* part;
    std::uint32_t kv;
  };
  std::vector<Unit> units;
  for (const CoreJob& p : parts)
    for (std::uint32_t g = 0; g < p.kv_heads; ++g) units.push_back({&p, g});
  const std::uint32_t n_units = static_cast<std::uint32_t>(units.size());
  if (groups > std::min(n_units, cores))
    throw std::invalid_argument("plan_layer: " + std::to_string(groups) + " multicast groups asked, at most " +
                                std::to_string(std::min(n_units, cores)) + " (K/V heads and cores)");
  const std::uint32_t n_groups = groups ? groups : std::min({n_units, cores, mesh.controllers()});
  std::vector<std::uint32_t> order(cores);
  for (std::uint32_t c = 0; c < cores; ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return mesh.nearest_controller(a) < mesh.nearest_controller(b);
  });
  std::vector<std::vector<CoreJob>> per(cores);
  plan.stripes.assign(cores, {});
  for (std::uint32_t k = 0; k < n_groups; ++k) {
    const std::vector<std::uint32_t> members(order.begin() + cores * k / n_groups,
                                             order.begin() + cores * (k + 1) / n_groups);
    plan.groups.push_back(members);
    std::uint64_t item = 0;
    for (std::size_t u = k; u < units.size(); u += n_groups) {
      const CoreJob& part = *units[u].part;
      const std::uint32_t nq = part.queries(), T = std::max<std::uint32_t>(1, part.algo.block_queries);
      for (std::uint32_t h = units[u].kv * part.group(); h < (units[u].kv + 1) * part.group(); ++h)
        for (std::uint32_t a = 0; a < nq; a += T, ++item) {
          const std::uint32_t c = members[item % members.size()];
          CoreJob job = query_range_job(part, h, a, std::min(nq, a + T));
          job.stream_kv_tiles = true;
          per[c].push_back(job);
          plan.stripes[c].push_back(static_cast<std::uint32_t>(item / members.size()));
        }
    }
  }
  return per;
}

// query_split: the order in which each core runs its jobs. With the spread placement consecutive
// heads live in consecutive controllers, so cores that all ran their jobs in head order would read
// the same controller at the same time: a convoy through one controller link (a 2x2 mesh with 16
// heads ran no faster than one core). Each core instead starts at the rotation of its job list
// whose controller sequence collides least with the cores before it (greedy, over the first 64
// steps and rotations). The jobs and their outputs are the same; only the order changes.
void stagger_by_controller(std::vector<std::vector<CoreJob>>& per, const MeshLayout& mesh) {
  constexpr std::size_t kWindow = 64;
  const std::uint64_t capacity = mesh.config().memory.capacity_bytes;
  const std::uint32_t controllers = std::max<std::uint32_t>(1, mesh.controllers());
  std::vector<std::vector<std::uint32_t>> readers(kWindow, std::vector<std::uint32_t>(controllers, 0));
  for (std::vector<CoreJob>& jobs : per) {
    const std::size_t n = jobs.size();
    if (n == 0) continue;
    std::vector<std::uint32_t> ctrl(n);
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t addr = jobs[j].kind == JobKind::full_layer ? jobs[j].x_addr : jobs[j].k_addr;
      ctrl[j] = static_cast<std::uint32_t>(std::min<std::uint64_t>(addr / capacity, controllers - 1));
    }
    const std::size_t steps = std::min(n, kWindow);
    std::size_t best = 0;
    std::uint64_t best_cost = UINT64_MAX;
    for (std::size_t r = 0; r < std::min(n, kWindow); ++r) {
      std::uint64_t cost = 0;
      for (std::size_t s = 0; s < steps; ++s) cost += readers[s][ctrl[(r + s) % n]];
      if (cost < best_cost) best_cost = cost, best = r;
    }
    for (std::size_t s = 0; s < steps; ++s) ++readers[s][ctrl[(best + s) % n]];
    std::rotate(jobs.begin(), jobs.begin() + static_cast<std::ptrdiff_t>(best), jobs.end());
  }
}

}  // namespace

MeshPlan plan_layer(const std::vector<CoreJob>& parts, Orchestration kind, const MeshLayout& mesh,
                    std::uint32_t active_cores, std::uint64_t scratch_offset, std::uint32_t multicast_groups) {
  if (parts.empty()) throw std::invalid_argument("plan_layer: no job");
  for (const CoreJob& job : parts) {
    if (job.kind != parts[0].kind)
      throw std::invalid_argument("plan_layer: the parts differ in kind");
    if (job.queries() != parts[0].queries() || job.algo.block_queries != parts[0].algo.block_queries)
      throw std::invalid_argument("plan_layer: the parts differ in queries or block size");
  }
  const bool upper_half = scratch_offset == 0;
  if (upper_half) scratch_offset = mesh.config().memory.capacity_bytes / 2;
  if (active_cores == 0) active_cores = mesh.cores();
  if (active_cores > mesh.cores())
    throw std::invalid_argument("plan_layer: " + std::to_string(active_cores) + " cores asked, the mesh has " +
                                std::to_string(mesh.cores()));
  MeshPlan plan;
  plan.kind = kind;
  const std::vector<HeadRef> heads = all_heads(parts);
  plan.query_rows = std::uint64_t(heads.size()) * parts[0].queries();
  std::vector<std::vector<CoreJob>> per;
  if (parts[0].kind == JobKind::full_layer && !takes_full_layer(kind))
    throw std::invalid_argument("plan_layer: " + to_string(kind) + " splits attention-only jobs only");
  if (kind == Orchestration::kv_split) {
    std::vector<std::pair<const CoreJob*, std::uint32_t>> refs;
    for (const HeadRef& h : heads) refs.emplace_back(h.part, h.head);
    KeySplit ks = split_keys(refs, active_cores, mesh.config().core);
    per = std::move(ks.per_core);
    plan.tags = std::move(ks.tags);
    plan.tags.resize(mesh.cores());
    plan.merges = std::move(ks.merges);
    plan.blocks = ks.blocks;
  } else if (kind == Orchestration::query_split_multicast) {
    if (std::any_of(parts.begin(), parts.end(), [](const CoreJob& p) { return p.flow != Flow::coordinated; }))
      throw std::invalid_argument("plan_layer: query_split_multicast needs the coordinated flow");
    per = split_multicast(parts, active_cores, multicast_groups, mesh, plan);
  } else if (kind == Orchestration::ring) {
    // Phases: the heads grouped by K/V head (one part's K/V head at a time).
    std::vector<std::vector<std::pair<const CoreJob*, std::uint32_t>>> groups;
    for (const HeadRef& h : heads) {
      if (groups.empty() || groups.back().front().first != h.part ||
          groups.back().front().second / h.part->group() != h.head / h.part->group())
        groups.emplace_back();
      groups.back().emplace_back(h.part, h.head);
    }
    RingSplit rs = split_ring(groups, mesh.config().width, mesh.config().height, active_cores,
                              mesh.config().core, mesh.config().ring_buffer_bytes);
    per = std::move(rs.split.per_core);
    plan.tags = std::move(rs.split.tags);
    plan.merges = std::move(rs.split.merges);
    plan.blocks = rs.split.blocks;
    plan.ring = std::move(rs.schedule);
  } else {
    if (kind == Orchestration::baseline) {
      per = split_baseline(heads, active_cores);
    } else {
      per = split_queries(heads, active_cores);
      stagger_by_controller(per, mesh);
    }
  }
  per.resize(mesh.cores());
  plan.stripes.resize(kind == Orchestration::query_split_multicast ? mesh.cores() : 0);
  // Scratch: one equal slot per core in its nearest controller.
  std::uint64_t slot = 0;
  for (const auto& jobs : per)
    for (const CoreJob& j : jobs) slot = std::max(slot, j.scratch_bytes());
  slot = (slot + 4095) / 4096 * 4096;
  const std::uint64_t cap = mesh.config().memory.capacity_bytes;
  const std::uint64_t slots = slot * mesh.cores();
  if (scratch_offset + slots > cap) {
    // In the upper half the slots move with the capacity: it must be twice what they take.
    const std::uint64_t needed = upper_half ? 2 * slots : scratch_offset + slots;
    throw std::invalid_argument("plan_layer: per-core scratch (" + std::to_string(mesh.cores()) + " slots of " +
                                std::to_string(slot) + " bytes) does not fit the controller " +
                                (upper_half ? "in its upper half" : "above offset " + std::to_string(scratch_offset)) +
                                ": needs a capacity of at least " + std::to_string(needed) +
                                " bytes, the controller has " + std::to_string(cap));
  }
  for (std::uint32_t c = 0; c < mesh.cores(); ++c)
    for (CoreJob& j : per[c])
      j.scratch_addr = mesh.controller_base(mesh.nearest_controller(c)) + scratch_offset + slot * c;
  for (const auto& jobs : per)
    for (const CoreJob& j : jobs) j.validate(mesh.config().core, mesh.memory_bytes());
  plan.per_core = std::move(per);
  return plan;
}

struct PlanExecution::Barrier {
  std::vector<std::uint32_t> remaining;  // [stripe]: jobs not done yet
  std::uint32_t completed = 0;           // leading stripes with every job done
  sc_core::sc_event advanced;
};

PlanExecution::PlanExecution(SpatialStar& mesh, const MeshPlan& plan, PerformanceWorkload perf)
    : mesh_(mesh), plan_(plan), perf_(perf) {
  if (plan.per_core.size() != mesh.cores())
    throw std::invalid_argument("run_plan: the plan has " + std::to_string(plan.per_core.size()) +
                                " cores, the mesh " + std::to_string(mesh.cores()));
  const bool multicast = plan.kind == Orchestration::query_split_multicast;
  if (multicast && (plan.stripes.size() != plan.per_core.size() || plan.groups.empty()))
    throw std::invalid_argument("run_plan: a query_split_multicast plan needs its groups and stripes");
  // Multicast groups: the hub's streams and a stripe barrier per group.
  barriers_ = std::vector<Barrier>(multicast ? plan.groups.size() : 0);
  group_of_.assign(mesh.cores(), -1);
  std::vector<MulticastGroupSpec> specs;
  for (std::size_t k = 0; multicast && k < plan.groups.size(); ++k) {
    MulticastGroupSpec spec;
    spec.cores = plan.groups[k];
    std::uint64_t tile_bytes = 0;
    for (const std::uint32_t c : spec.cores) {
      if (c >= mesh.cores() || plan.stripes[c].size() != plan.per_core[c].size())
        throw std::invalid_argument("run_plan: multicast group member " + std::to_string(c) + " is inconsistent");
      group_of_[c] = static_cast<std::int32_t>(k);
      spec.nodes.push_back(mesh.core_node(c));
      spec.jobs.emplace_back();
      for (std::size_t i = 0; i < plan.per_core[c].size(); ++i) {
        const CoreJob& job = plan.per_core[c][i];
        const std::uint32_t stripe = plan.stripes[c][i];
        spec.jobs.back().push_back({stripe, job});
        if (barriers_[k].remaining.size() <= stripe) barriers_[k].remaining.resize(stripe + 1, 0);
        ++barriers_[k].remaining[stripe];
        tile_bytes = std::max<std::uint64_t>(tile_bytes, std::uint64_t(job.tiling().tile_keys) * job.head_dim * 2);
      }
    }
    // A member's read is one round at most: the buffer holds tiles_in_flight of the longer of a
    // tile and a batched macro cell's burst.
    const std::uint64_t unit =
        perf.batch_tiles > 1
            ? std::max(tile_bytes, macro_cell_burst_bytes(mesh.config().core.max_burst_bytes, perf.batch_tiles))
            : tile_bytes;
    spec.buffer_bytes = std::uint64_t(std::max<std::uint32_t>(1, plan.tiles_in_flight)) * unit;
    specs.push_back(std::move(spec));
  }
  mesh.multicast_hub().configure(std::move(specs));  // empty: no K/V stream goes to the hub
  // The cores start their jobs inside the simulation: reject a workload they cannot run now.
  for (const auto& jobs : plan.per_core)
    for (const CoreJob& j : jobs) check_workload(perf, j, mesh.functional());
}

PlanExecution::~PlanExecution() = default;

void PlanExecution::spawn(Hooks hooks, std::function<void()> done) {
  if (spawned_) throw std::logic_error("PlanExecution::spawn: called twice");
  spawned_ = true;
  SpatialStar& mesh = mesh_;
  const MeshPlan& plan = plan_;
  multicast_before_ = mesh.multicast_hub().stats();
  const std::uint32_t n = mesh.cores();
  r_.core_busy.assign(n, sc_core::SC_ZERO_TIME);
  r_.core_jobs.assign(n, 0);
  r_.core_activity.resize(n);
  for (std::uint32_t c = 0; c < n; ++c) {
    r_.core_activity[c].stage_busy_cycles.assign(mesh.core(c).stages().size(), 0);
    r_.core_activity[c].stage_ops.assign(mesh.core(c).stages().size(), OpCounts{});
  }
  for (std::uint32_t m = 0; m < mesh.controllers(); ++m) {
    r_.controller_bytes_read.push_back(0);
    r_.controller_bytes_written.push_back(0);
    const ChannelScheduler& s = mesh.memory(m).scheduler();
    for (unsigned ch = 0; ch < mesh.config().memory.channels; ++ch) {
      r_.controller_bytes_read[m] -= s.bytes_read(ch).value();
      r_.controller_bytes_written[m] -= s.bytes_written(ch).value();
    }
  }
  noc_before_ = mesh.fabric.model().stats();
  for (std::uint32_t c = 0; c < mesh.fabric.config().num_vc_classes; ++c)
    noc_messages_before_.push_back(mesh.fabric.message_latency(c));
  start_ = end_ = sc_core::sc_time_stamp();
  auto finished = [this, done] {
    end_ = std::max(end_, sc_core::sc_time_stamp());
    if (--remaining_ == 0) done();
  };
  if (plan.kind == Orchestration::kv_split || plan.kind == Orchestration::ring) {
    exchange_ = std::make_unique<PartialExchange>(mesh, plan.merges, plan.tags, plan.blocks);
    remaining_ += exchange_->spawn(finished);
  }
  if (plan.kind == Orchestration::ring) {
    // The ring members run their jobs in steps between shard hand-overs (ring.h).
    remaining_ += spawn_ring(
        mesh, plan, r_, [this, hooks](std::uint32_t c, std::size_t j) { run_job(hooks, c, j); },
        [hooks, finished](std::uint32_t c) {
          if (hooks.after_core) hooks.after_core(c);
          finished();
        });
  }
  for (std::uint32_t c = 0; c < n; ++c) {
    if (plan.per_core[c].empty() || plan.kind == Orchestration::ring) continue;
    ++remaining_;
    Barrier* barrier = group_of_[c] >= 0 ? &barriers_[group_of_[c]] : nullptr;
    sc_core::sc_spawn([this, &mesh, &plan, finished, hooks, c, barrier] {
      for (std::size_t j = 0; j < plan.per_core[c].size(); ++j) {
        if (barrier) {  // the group starts each stripe in step
          const std::uint32_t stripe = plan.stripes[c][j];
          while (barrier->completed < stripe) sc_core::wait(barrier->advanced);
          mesh.multicast_hub().begin_job(c, stripe);
        }
        run_job(hooks, c, j);
        if (barrier) {
          --barrier->remaining[plan.stripes[c][j]];
          while (barrier->completed < barrier->remaining.size() && barrier->remaining[barrier->completed] == 0)
            ++barrier->completed;
          barrier->advanced.notify();
        }
      }
      if (hooks.after_core) hooks.after_core(c);
      finished();
    }, ("dispatch_core" + std::to_string(c)).c_str());
  }
  if (remaining_ == 0) done();
}

void PlanExecution::run_job(const Hooks& hooks, std::uint32_t c, std::size_t j) {
  StarCore& core = mesh_.core(c);
  if (hooks.before_job) hooks.before_job(c, j);
  core.start(plan_.per_core[c][j], mesh_.functional(), mesh_.memory_bytes(), perf_);
  while (core.busy()) sc_core::wait(core.done());
  r_.core_busy[c] += core.job_time();
  r_.ops += core.ops();
  ++r_.core_jobs[c];
  CoreActivity& act = r_.core_activity[c];
  const auto stages = core.stages();
  for (std::size_t i = 0; i < stages.size(); ++i) {
    act.stage_busy_cycles[i] += stages[i]->busy_cycles();
    act.stage_ops[i] += stages[i]->ops();
  }
  act.dram_bytes += core.fetcher.dram_bytes();
  if (exchange_) exchange_->job_done(c, j);
}

MeshRunResult PlanExecution::result() const {
  if (!finished()) throw std::logic_error("PlanExecution::result: the plan is still running");
  MeshRunResult r = r_;
  r.makespan = end_ - start_;
  if (exchange_) {
    r.ops += exchange_->ops();
    r.partial_messages = exchange_->messages();
    r.partial_bytes = exchange_->message_bytes();
  }
  r.noc = mesh_.fabric.model().stats().since(noc_before_);
  for (std::uint32_t c = 0; c < noc_messages_before_.size(); ++c)
    r.noc_messages.push_back(mesh_.fabric.message_latency(c).since(noc_messages_before_[c]));
  r.multicast = mesh_.multicast_hub().stats().since(multicast_before_);
  for (std::uint32_t m = 0; m < mesh_.controllers(); ++m) {
    const ChannelScheduler& s = mesh_.memory(m).scheduler();
    for (unsigned ch = 0; ch < mesh_.config().memory.channels; ++ch) {
      r.controller_bytes_read[m] += s.bytes_read(ch).value();
      r.controller_bytes_written[m] += s.bytes_written(ch).value();
    }
  }
  return r;
}

MeshRunResult run_plan(SpatialStar& mesh, const MeshPlan& plan, PerformanceWorkload perf) {
  PlanExecution run(mesh, plan, perf);
  if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  bool done = false, simulating = false;
  run.spawn({}, [&done, &simulating] {
    done = true;
    if (simulating) sc_core::sc_pause();  // sc_start returns: the plan is done
  });
  simulating = true;
  while (!done) {
    sc_core::sc_start();
    if (!done && !sc_core::sc_pending_activity())
      throw std::runtime_error("run_plan: the simulation starved with cores still busy");
  }
  return run.result();
}

}  // namespace star
