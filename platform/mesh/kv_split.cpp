#include "mesh/kv_split.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <sysc/kernel/sc_dynamic_processes.h>

#include "mesh/orchestration.h"
#include "mesh/spatial_star.h"
#include "sufa/sufa_model.h"

namespace star {

KeySplit split_keys(const std::vector<std::pair<const CoreJob*, std::uint32_t>>& heads,
                    std::uint32_t cores, const CoreConfig& core) {
  if (heads.empty() || cores == 0) throw std::invalid_argument("kv_split: no heads or no cores");
  const CoreJob& first = *heads.front().first;
  const std::uint32_t nq = first.queries(), T = std::max<std::uint32_t>(1, first.algo.block_queries);
  KeySplit ks;
  ks.blocks = (nq + T - 1) / T;
  ks.per_core.resize(cores);
  ks.tags.resize(cores);
  ks.merges.resize(std::size_t(heads.size()) * ks.blocks);
  std::uint64_t unit = 0;
  const auto H = static_cast<std::uint32_t>(heads.size());
  std::vector<std::vector<std::pair<std::uint32_t, CoreJob>>> jobs(cores);  // (head, job) per core
  for (std::uint32_t gh = 0; gh < H; ++gh) {
    const CoreJob& part = *heads[gh].first;
    const std::uint32_t h = heads[gh].second;
    CoreJob head_job = part;
    if (part.algo.causal) head_job.algo.tile_keys = part.tiling().tile_keys;  // as query_range_job
    const std::uint32_t tiles = part.tiling().n_tiles(), shards = std::min(cores, tiles);
    for (std::uint32_t b = 0; b < ks.blocks; ++b) {
      PartialMerge& m = ks.merges[std::size_t(gh) * ks.blocks + b];
      m.home = static_cast<std::uint32_t>(unit++ % shards);
      m.o_addr = part.o_row(h, b * T);
      m.rows = std::min(nq, (b + 1) * T) - b * T;
      m.head_dim = part.head_dim;
      m.v_scale = part.v_scale;
    }
    for (std::uint32_t s = 0; s < shards; ++s) {
      CoreJob job = query_range_job(part, h, 0, nq);
      job.tile_begin = static_cast<std::uint32_t>(std::uint64_t(tiles) * s / shards);
      job.tile_end = static_cast<std::uint32_t>(std::uint64_t(tiles) * (s + 1) / shards);
      job.partial_output = true;
      const TilingConfig tc = job.tiling_config(core);
      for (std::uint32_t b = 0; b < ks.blocks; ++b)
        if (tc.visits(b, job.tile_begin)) ks.merges[std::size_t(gh) * ks.blocks + b].shards.push_back(s);
      jobs[s].emplace_back(gh, job);
    }
  }
  // Core s starts at head s H / cores and wraps around: at any time the cores read different
  // heads, whose K/V live in different controllers under the spread placement (all cores on the
  // same head would queue at one controller's edge link).
  for (std::uint32_t s = 0; s < cores; ++s) {
    const std::size_t n = jobs[s].size();
    if (n == 0) continue;
    const std::size_t first = std::size_t(std::uint64_t(s) * H / cores) % n;
    for (std::size_t i = 0; i < n; ++i) {
      auto& [gh, job] = jobs[s][(first + i) % n];
      ks.per_core[s].push_back(job);
      ks.tags[s].push_back(PartialJobTag{gh, s, 0, ks.blocks});
    }
  }
  return ks;
}

PartialExchange::PartialExchange(SpatialStar& mesh, const std::vector<PartialMerge>& merges,
                                 const std::vector<std::vector<PartialJobTag>>& tags,
                                 std::uint32_t blocks)
    : mesh_(mesh), merges_(merges), tags_(tags), blocks_(blocks) {
  const std::uint32_t n = mesh.cores();
  outbox_.resize(n);
  outbox_next_.assign(n, 0);
  ready_.resize(n);
  ready_next_.assign(n, 0);
  for (std::uint32_t c = 0; c < n; ++c) {
    outbox_event_.push_back(std::make_unique<sc_core::sc_event>());
    ready_event_.push_back(std::make_unique<sc_core::sc_event>());
  }
  pending_.resize(merges.size());
  for (std::size_t i = 0; i < merges.size(); ++i) {
    if (merges[i].shards.empty())
      throw std::invalid_argument("partial merge: query block " + std::to_string(i) + " has no shard");
    if (merges[i].home >= n)
      throw std::invalid_argument("partial merge: home core " + std::to_string(merges[i].home) + " outside the mesh");
    pending_[i].slots.resize(merges[i].shards.size());
  }
  // Which core sends each (merge, shard) partial: the one whose job carries that tag.
  sends_.assign(n, 0);
  for (std::uint32_t c = 0; c < tags.size() && c < n; ++c)
    for (const PartialJobTag& t : tags[c])
      for (std::uint32_t b = 0; b < t.blocks; ++b) {
        const std::size_t merge = std::size_t(t.head) * blocks + t.block0 + b;
        if (t.block0 + b >= blocks || merge >= merges.size())
          throw std::invalid_argument("partial merge: a job's blocks lie outside its head");
        const auto& sh = merges[merge].shards;
        sends_[c] += std::find(sh.begin(), sh.end(), t.shard) != sh.end();
      }
}

std::uint32_t PartialExchange::spawn(const std::function<void()>& on_merger_done) {
  const std::uint32_t n = mesh_.cores();
  std::vector<std::uint64_t> homes(n, 0);
  for (const PartialMerge& m : merges_) ++homes[m.home];
  const std::vector<std::uint64_t>& sends = sends_;
  std::uint32_t mergers = 0;
  for (std::uint32_t c = 0; c < n; ++c) {
    if (sends[c])
      sc_core::sc_spawn([this, c, k = sends[c]] { send_loop(c, k); }, ("kv_send" + std::to_string(c)).c_str());
    if (homes[c]) {
      ++mergers;
      sc_core::sc_spawn([this, c, k = homes[c], on_merger_done] { merge_loop(c, k, on_merger_done); },
                        ("kv_merge" + std::to_string(c)).c_str());
    }
  }
  return mergers;
}

void PartialExchange::job_done(std::uint32_t c, std::size_t j) {
  const JobContext* ctx = mesh_.core(c).context();
  const PartialJobTag& tag = tags_.at(c).at(j);
  for (const JobContext::BlockPartials& p : ctx->partials()) {
    const std::uint32_t merge = tag.head * blocks_ + tag.block0 + p.block;
    const auto& sh = merges_.at(merge).shards;
    const auto it = std::find(sh.begin(), sh.end(), tag.shard);
    if (it == sh.end() || p.rows != merges_[merge].rows)
      throw std::logic_error("partial merge: core " + std::to_string(c) + " finished a block the plan does not expect");
    outbox_[c].push_back(Outgoing{merge, static_cast<std::uint32_t>(it - sh.begin()), p.data});
  }
  outbox_event_[c]->notify(sc_core::SC_ZERO_TIME);
}

void PartialExchange::send_loop(std::uint32_t c, std::uint64_t count) {
  const std::uint32_t flit_bytes = mesh_.fabric.config().flit_bytes();
  for (std::uint64_t k = 0; k < count; ++k) {
    while (outbox_next_[c] == outbox_[c].size()) sc_core::wait(*outbox_event_[c]);
    Outgoing out = std::move(outbox_[c][outbox_next_[c]++]);
    const PartialMerge& m = merges_[out.merge];
    if (m.home != c) {
      const std::uint64_t bytes = std::uint64_t(m.rows) * sufa_partial_floats(m.head_dim) * 4;
      const std::uint32_t flits = 1 + static_cast<std::uint32_t>((bytes + flit_bytes - 1) / flit_bytes);
      mesh_.fabric.transfer(mesh_.core_node(c), mesh_.core_node(m.home), flits, 1);  // response class
      ++messages_;
      message_bytes_ += bytes;
    } else {
      ++local_;
    }
    deliver(out.merge, out.slot, std::move(out.data));
  }
}

void PartialExchange::deliver(std::uint32_t merge, std::uint32_t slot, std::vector<float> data) {
  Pending& p = pending_[merge];
  p.slots[slot] = std::move(data);
  if (++p.received == p.slots.size()) {
    const std::uint32_t home = merges_[merge].home;
    ready_[home].push_back(merge);
    ready_event_[home]->notify(sc_core::SC_ZERO_TIME);
  }
}

void PartialExchange::merge_loop(std::uint32_t c, std::uint64_t count, std::function<void()> done) {
  StarCore& core = mesh_.core(c);
  const CoreConfig& cfg = core.config();
  const sc_core::sc_time period(cfg.period_ns(), sc_core::SC_NS);
  const std::uint64_t array = std::uint64_t(cfg.sufa_rows) * cfg.sufa_cols;
  const bool functional = mesh_.functional();
  for (std::uint64_t k = 0; k < count; ++k) {
    while (ready_next_[c] == ready_[c].size()) sc_core::wait(*ready_event_[c]);
    const std::uint32_t merge = ready_[c][ready_next_[c]++];
    const PartialMerge& m = merges_[merge];
    Pending& p = pending_[merge];
    const std::size_t d = m.head_dim, w = sufa_partial_floats(d), n = p.slots.size();
    std::vector<float> out;
    if (functional) {
      out.resize(std::size_t(m.rows) * d);
      std::vector<const float*> rows(n);
      for (std::uint32_t i = 0; i < m.rows; ++i) {
        for (std::size_t s = 0; s < n; ++s) rows[s] = p.slots[s].data() + std::size_t(i) * w;
        sufa_merge(rows.data(), n, d, m.v_scale, out.data() + std::size_t(i) * d, ops_);
      }
    } else {
      const OpCounts row = sufa_merge_counts(n, d);  // every partial counted non-empty
      for (std::uint32_t i = 0; i < m.rows; ++i) ops_ += row;
    }
    p.slots.clear();
    // The home core's combine (SA-2 multiplies and adds) and divider units.
    const std::uint64_t cycles = (std::uint64_t(m.rows) * n * (d + 1) + array - 1) / array +
                                 (std::uint64_t(m.rows) * d + cfg.div_units - 1) / cfg.div_units;
    sc_core::wait(period * static_cast<double>(cycles));
    const std::uint64_t bytes = std::uint64_t(m.rows) * d * 4;
    const sc_core::sc_time end =
        core.fetcher.transfer(Stage::output, Direction::write, m.o_addr, bytes, sc_core::sc_time_stamp());
    if (end > sc_core::sc_time_stamp()) sc_core::wait(end - sc_core::sc_time_stamp());
    if (functional) core.fetcher.write_data(m.o_addr, out.data(), bytes);
  }
  done();
}

}  // namespace star
