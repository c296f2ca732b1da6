#include "mesh/orchestration.h"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <sysc/kernel/sc_dynamic_processes.h>

namespace star {

Orchestration parse_orchestration(const std::string& name) {
  for (Orchestration o : {Orchestration::baseline, Orchestration::query_split, Orchestration::query_split_multicast,
                          Orchestration::kv_split, Orchestration::ring})
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

CoreJob query_range_job(const CoreJob& job, std::uint32_t h, std::uint32_t a, std::uint32_t b) {
  if (h >= job.heads || a >= b || b > job.queries())
    throw std::invalid_argument("query_range_job: head " + std::to_string(h) + " rows [" +
                                std::to_string(a) + ", " + std::to_string(b) + ") outside the job");
  const std::uint32_t g = h / job.group();
  CoreJob sub = job;
  sub.heads = sub.kv_heads = 1;
  sub.n_queries = b - a;
  sub.q_addr = job.q_row(h, a);
  sub.o_addr = job.o_row(h, a);
  sub.k_addr = job.k_row(g, 0);
  sub.v_addr = job.v_row(g, 0);
  if (job.algo.causal) {
    // Keys after the core's last query are never visible: drop them, keeping the full job's tiles.
    sub.algo.tile_keys = job.tiling().tile_keys;
    sub.seq_len = job.seq_len - job.queries() + b;
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

}  // namespace

MeshPlan plan_layer(const std::vector<CoreJob>& parts, Orchestration kind, const SpatialStar& mesh,
                    std::uint32_t active_cores, std::uint64_t scratch_offset) {
  if (parts.empty()) throw std::invalid_argument("plan_layer: no job");
  for (const CoreJob& job : parts) {
    if (job.kind != JobKind::attention_only)
      throw std::invalid_argument("plan_layer: only attention-only jobs can be split yet");
    if (job.queries() != parts[0].queries() || job.algo.block_queries != parts[0].algo.block_queries)
      throw std::invalid_argument("plan_layer: the parts differ in queries or block size");
  }
  if (scratch_offset == 0) scratch_offset = mesh.config().memory.capacity_bytes / 2;
  if (active_cores == 0) active_cores = mesh.cores();
  if (active_cores > mesh.cores())
    throw std::invalid_argument("plan_layer: " + std::to_string(active_cores) + " cores asked, the mesh has " +
                                std::to_string(mesh.cores()));
  if (kind != Orchestration::baseline && kind != Orchestration::query_split && kind != Orchestration::kv_split)
    throw std::invalid_argument("plan_layer: orchestration '" + to_string(kind) + "' is not implemented yet");
  MeshPlan plan;
  plan.kind = kind;
  const std::vector<HeadRef> heads = all_heads(parts);
  plan.query_rows = std::uint64_t(heads.size()) * parts[0].queries();
  std::vector<std::vector<CoreJob>> per;
  if (kind == Orchestration::kv_split) {
    std::vector<std::pair<const CoreJob*, std::uint32_t>> refs;
    for (const HeadRef& h : heads) refs.emplace_back(h.part, h.head);
    KeySplit ks = split_keys(refs, active_cores, mesh.config().core);
    per = std::move(ks.per_core);
    plan.job_head = std::move(ks.job_head);
    plan.job_head.resize(mesh.cores());
    plan.merges = std::move(ks.merges);
    plan.blocks = ks.blocks;
  } else {
    per = kind == Orchestration::baseline ? split_baseline(heads, active_cores) : split_queries(heads, active_cores);
  }
  per.resize(mesh.cores());
  // Scratch: one equal slot per core in its nearest controller.
  std::uint64_t slot = 0;
  for (const auto& jobs : per)
    for (const CoreJob& j : jobs) slot = std::max(slot, j.scratch_bytes());
  slot = (slot + 4095) / 4096 * 4096;
  const std::uint64_t cap = mesh.config().memory.capacity_bytes;
  if (scratch_offset + slot * mesh.cores() > cap)
    throw std::invalid_argument("plan_layer: per-core scratch (" + std::to_string(slot) +
                                " bytes each) does not fit the controller above offset " +
                                std::to_string(scratch_offset));
  for (std::uint32_t c = 0; c < mesh.cores(); ++c)
    for (CoreJob& j : per[c])
      j.scratch_addr = mesh.controller_base(mesh.nearest_controller(c)) + scratch_offset + slot * c;
  for (const auto& jobs : per)
    for (const CoreJob& j : jobs) j.validate(mesh.config().core, mesh.memory_bytes());
  plan.per_core = std::move(per);
  return plan;
}

MeshRunResult run_plan(SpatialStar& mesh, const MeshPlan& plan, PerformanceWorkload perf) {
  if (plan.per_core.size() != mesh.cores())
    throw std::invalid_argument("run_plan: the plan has " + std::to_string(plan.per_core.size()) +
                                " cores, the mesh " + std::to_string(mesh.cores()));
  if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  MeshRunResult r;
  const std::uint32_t n = mesh.cores();
  r.core_busy.assign(n, sc_core::SC_ZERO_TIME);
  r.core_jobs.assign(n, 0);
  for (std::uint32_t m = 0; m < mesh.controllers(); ++m) {
    r.controller_bytes_read.push_back(0);
    r.controller_bytes_written.push_back(0);
    const ChannelScheduler& s = mesh.memory(m).scheduler();
    for (unsigned ch = 0; ch < mesh.config().memory.channels; ++ch) {
      r.controller_bytes_read[m] -= s.bytes_read(ch).value();
      r.controller_bytes_written[m] -= s.bytes_written(ch).value();
    }
  }
  const NocStats before = mesh.fabric.model().stats();
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  auto remaining = std::make_shared<std::uint32_t>(0);
  sc_core::sc_time end = start;
  auto finished = [&end, remaining] {
    end = std::max(end, sc_core::sc_time_stamp());
    if (--*remaining == 0) sc_core::sc_pause();  // sc_start returns: the plan is done
  };
  std::unique_ptr<PartialExchange> exchange;
  if (plan.kind == Orchestration::kv_split) {
    exchange = std::make_unique<PartialExchange>(mesh, plan.merges, plan.job_head, plan.blocks);
    *remaining += exchange->spawn(finished);
  }
  for (std::uint32_t c = 0; c < n; ++c) {
    if (plan.per_core[c].empty()) continue;
    ++*remaining;
    sc_core::sc_spawn([&mesh, &plan, &r, &exchange, finished, c, perf] {
      StarCore& core = mesh.core(c);
      for (std::size_t j = 0; j < plan.per_core[c].size(); ++j) {
        core.start(plan.per_core[c][j], mesh.functional(), mesh.memory_bytes(), perf);
        while (core.busy()) sc_core::wait(core.done());
        r.core_busy[c] += core.job_time();
        r.ops += core.ops();
        ++r.core_jobs[c];
        if (exchange) exchange->job_done(c, j);
      }
      finished();
    }, ("dispatch_core" + std::to_string(c)).c_str());
  }
  while (*remaining > 0) {
    sc_core::sc_start();
    if (*remaining > 0 && !sc_core::sc_pending_activity())
      throw std::runtime_error("run_plan: the simulation starved with cores still busy");
  }
  r.makespan = end - start;
  if (exchange) {
    r.ops += exchange->ops();
    r.partial_messages = exchange->messages();
    r.partial_bytes = exchange->message_bytes();
  }
  r.noc = mesh.fabric.model().stats().since(before);
  for (std::uint32_t m = 0; m < mesh.controllers(); ++m) {
    const ChannelScheduler& s = mesh.memory(m).scheduler();
    for (unsigned ch = 0; ch < mesh.config().memory.channels; ++ch) {
      r.controller_bytes_read[m] += s.bytes_read(ch).value();
      r.controller_bytes_written[m] += s.bytes_written(ch).value();
    }
  }
  return r;
}

}  // namespace star
