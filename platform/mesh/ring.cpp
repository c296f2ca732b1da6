#include "mesh/ring.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <memory>

#include <sysc/kernel/sc_dynamic_processes.h>

#include "mesh/orchestration.h"
#include "mesh/spatial_star.h"

namespace star {

std::vector<std::uint32_t> snake_ring(std::uint32_t width, std::uint32_t height) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> xy;  // (row, column) in a transposed frame
  const bool transpose = height % 2 != 0 && width % 2 == 0;
  const std::uint32_t rows = transpose ? width : height, cols = transpose ? height : width;
  if (rows % 2 == 0 && cols >= 2) {
    // Row 0 left to right, the other rows snaking over columns 1.., back up column 0.
    for (std::uint32_t x = 0; x < cols; ++x) xy.emplace_back(0, x);
    for (std::uint32_t y = 1; y < rows; ++y)
      for (std::uint32_t i = 1; i < cols; ++i) xy.emplace_back(y, y % 2 ? cols - i : i);
    for (std::uint32_t y = rows - 1; y >= 1; --y) xy.emplace_back(y, 0);
  } else {
    for (std::uint32_t y = 0; y < rows; ++y)
      for (std::uint32_t i = 0; i < cols; ++i) xy.emplace_back(y, y % 2 ? cols - 1 - i : i);
  }
  std::vector<std::uint32_t> ring;
  for (const auto& [r, c] : xy) ring.push_back(transpose ? c * width + r : r * width + c);
  return ring;
}

void check_ring_buffer(std::uint32_t tile_keys, std::uint32_t head_dim, std::uint64_t buffer_bytes,
                       const std::string& buffer_name) {
  const std::uint64_t tile_kv = std::uint64_t(tile_keys) * head_dim * 2;
  if (buffer_bytes >= 4 * tile_kv) return;
  throw std::invalid_argument("ring: one key tile (" + std::to_string(tile_keys) + " keys x d " +
                              std::to_string(head_dim) + " x 2 B = " + std::to_string(tile_kv) +
                              " bytes each of K and V) held and received needs " + std::to_string(4 * tile_kv) +
                              " bytes; the ring buffer (" + buffer_name + ") holds " +
                              std::to_string(buffer_bytes) + " bytes");
}

RingSplit split_ring(const std::vector<std::vector<std::pair<const CoreJob*, std::uint32_t>>>& groups,
                     std::uint32_t width, std::uint32_t height, std::uint32_t cores,
                     const CoreConfig& core, std::uint64_t buffer_bytes) {
  if (groups.empty() || groups.front().empty() || cores == 0)
    throw std::invalid_argument("ring: no heads or no cores");
  const CoreJob& first = *groups.front().front().first;
  const std::uint32_t nq = first.queries(), T = std::max<std::uint32_t>(1, first.algo.block_queries);
  const std::uint32_t tiles = first.tiling().n_tiles(), P = std::min(cores, tiles);
  const std::vector<std::uint32_t> snake = snake_ring(width, height);
  RingSplit rs;
  KeySplit& ks = rs.split;
  RingSchedule& sch = rs.schedule;
  for (std::uint32_t i = 0, taken = 0; i < snake.size() && taken < P; ++i)
    if (snake[i] < cores) sch.members.push_back(snake[i]), ++taken;
  const std::uint32_t n_cores = width * height;
  ks.blocks = (nq + T - 1) / T;
  ks.per_core.resize(n_cores);
  ks.tags.resize(n_cores);
  sch.step_jobs.assign(n_cores, std::vector<std::uint32_t>{0});
  // Pieces: a member holds one piece and receives the next (K and V each): 4 x keys x d x 2 bytes
  // must fit its ring buffer. At most `fit` whole tiles a piece; R rounds of P pieces each.
  const std::uint64_t tile_kv = std::uint64_t(first.tiling().tile_keys) * first.head_dim * 2;
  check_ring_buffer(first.tiling().tile_keys, first.head_dim, buffer_bytes, "MeshConfig::ring_buffer_bytes");
  const std::uint64_t fit = buffer_bytes / (4 * tile_kv);
  const std::uint32_t R = static_cast<std::uint32_t>(((tiles + fit - 1) / fit + P - 1) / P), N = R * P;
  sch.rounds = R;
  sch.phases = static_cast<std::uint32_t>(groups.size()) * R;
  std::vector<std::uint32_t> bounds;  // piece i: tiles [bounds[i], bounds[i + 1])
  for (std::uint32_t s = 0; s <= N; ++s) bounds.push_back(static_cast<std::uint32_t>(std::uint64_t(tiles) * s / N));
  std::uint32_t gh0 = 0;  // layer index of the group's first head
  for (const auto& group : groups) {
    const CoreJob& part = *group.front().first;
    if (part.tiling().n_tiles() != tiles || part.queries() != nq)
      throw std::invalid_argument("ring: the K/V groups differ in key tiles or queries");
    const std::uint32_t kv = part.group() > 0 ? group.front().second / part.group() : 0;
    const std::uint32_t d = part.head_dim;
    for (std::uint32_t rd = 0; rd < R; ++rd) {
      std::vector<RingSchedule::Shard> shards;
      for (std::uint32_t i = rd * P; i < (rd + 1) * P; ++i) {
        if (bounds[i] == bounds[i + 1]) {  // more pieces than tiles: an empty one
          shards.push_back({});
          continue;
        }
        const KeyTiling kt = part.tiling();
        const std::uint32_t k0 = kt.tile_first(bounds[i]);
        const std::uint32_t k1 = kt.tile_first(bounds[i + 1] - 1) + kt.tile_len(bounds[i + 1] - 1);
        shards.push_back({part.k_row(kv, k0), part.v_row(kv, k0), std::uint64_t(k1 - k0) * d * 2});
      }
      sch.shards.push_back(shards);
    }
    // The group's (head, block) units in contiguous runs over the members (as query_split).
    const std::uint64_t units = std::uint64_t(group.size()) * ks.blocks;
    struct Range { std::uint32_t gi, a, b; };
    std::vector<std::vector<Range>> owned(P);
    for (std::uint32_t p = 0; p < P; ++p) {
      const std::uint64_t u0 = units * p / P, u1 = units * (p + 1) / P;
      for (std::uint64_t u = u0; u < u1;) {
        const std::uint64_t gi = u / ks.blocks, end = std::min(u1, (gi + 1) * ks.blocks);
        owned[p].push_back({static_cast<std::uint32_t>(gi), static_cast<std::uint32_t>((u - gi * ks.blocks) * T),
                            static_cast<std::uint32_t>(std::min<std::uint64_t>(nq, (end - gi * ks.blocks) * T))});
        for (std::uint64_t v = u; v < end; ++v) {
          PartialMerge m;
          m.home = sch.members[p];
          const CoreJob& pj = *group[gi].first;
          const std::uint32_t h = group[gi].second, b = static_cast<std::uint32_t>(v - gi * ks.blocks);
          m.o_addr = pj.o_row(h, b * T);
          m.rows = std::min(nq, (b + 1) * T) - b * T;
          m.head_dim = d;
          m.v_scale = pj.v_scale;
          ks.merges.resize(std::max<std::size_t>(ks.merges.size(), std::size_t(gh0 + gi + 1) * ks.blocks));
          ks.merges[std::size_t(gh0 + gi) * ks.blocks + b] = m;
        }
        u = end;
      }
    }
    // Steps: in round rd, member p holds piece rd P + (p - s) mod P at step s (pieces move to the
    // successor).
    for (std::uint32_t rd = 0; rd < R; ++rd)
      for (std::uint32_t s = 0; s < P; ++s)
        for (std::uint32_t p = 0; p < P; ++p) {
          const std::uint32_t c = sch.members[p], shard = rd * P + (p + P - s) % P;
          for (const Range& r : owned[p]) {
            if (bounds[shard] == bounds[shard + 1]) break;  // an empty piece
            CoreJob job = query_range_job(*group[r.gi].first, group[r.gi].second, r.a, r.b);
            const std::uint32_t job_tiles = job.tiling().n_tiles();  // causal: fewer
            if (bounds[shard] >= job_tiles) continue;                // the piece is after every row
            job.tile_begin = bounds[shard];
            job.tile_end = std::min(bounds[shard + 1], job_tiles);
            job.partial_output = true;
            job.kv_on_chip = true;
            const TilingConfig tc = job.tiling_config(core);
            bool any = false;
            for (std::uint32_t b = 0; b < tc.n_blocks(); ++b)
              if (tc.visits(b, job.tile_begin)) {
                any = true;
                ks.merges[std::size_t(gh0 + r.gi) * ks.blocks + r.a / T + b].shards.push_back(shard);
              }
            if (!any) continue;
            ks.per_core[c].push_back(job);
            ks.tags[c].push_back(PartialJobTag{gh0 + r.gi, shard, r.a / T, (r.b - r.a + T - 1) / T});
          }
          sch.step_jobs[c].push_back(static_cast<std::uint32_t>(ks.per_core[c].size()));
        }
    gh0 += static_cast<std::uint32_t>(group.size());
  }
  for (PartialMerge& m : ks.merges) std::sort(m.shards.begin(), m.shards.end());
  return rs;
}

namespace {

// The members' shard hand-over state.
struct RingState {
  std::vector<std::uint64_t> received;  // per core: shards received so far
  std::vector<std::unique_ptr<sc_core::sc_event>> arrived, sent;
  std::vector<char> sending;
};

constexpr std::uint64_t kChunkBytes = 16 * 1024;

}  // namespace

std::uint32_t spawn_ring(SpatialStar& mesh, const MeshPlan& plan, MeshRunResult& r,
                         const std::function<void(std::uint32_t, std::size_t)>& run_job,
                         const std::function<void(std::uint32_t)>& member_done) {
  const RingSchedule& sch = plan.ring;
  const auto P = static_cast<std::uint32_t>(sch.members.size());
  auto st = std::make_shared<RingState>();
  st->received.assign(mesh.cores(), 0);
  st->sending.assign(mesh.cores(), 0);
  for (std::uint32_t c = 0; c < mesh.cores(); ++c) {
    st->arrived.push_back(std::make_unique<sc_core::sc_event>());
    st->sent.push_back(std::make_unique<sc_core::sc_event>());
  }
  for (std::uint32_t p = 0; p < P; ++p) {
    const std::uint32_t c = sch.members[p], succ = sch.members[(p + 1) % P];
    sc_core::sc_spawn([&mesh, &sch, &r, st, run_job, member_done, P, p, c, succ] {
      StarCore& core = mesh.core(c);
      const std::uint32_t flit_bytes = mesh.fabric.config().flit_bytes();
      for (std::uint32_t f = 0; f < sch.phases; ++f) {
        for (std::uint32_t s = 0; s < P; ++s) {
          const RingSchedule::Shard& held = sch.shards[f][(p + P - s) % P];
          if (s == 0) {  // the member's own shard, from DRAM once per phase (the core is idle)
            const std::uint64_t before = core.fetcher.dram_bytes();
            // One burst of K and one of V per call: the two streams alternate on the network
            // interface, which holds one request at a time.
            const std::uint64_t burst = core.config().max_burst_bytes;
            for (std::uint64_t off = 0; off < held.bytes; off += burst) {
              const std::uint64_t len = std::min(burst, held.bytes - off);
              const sc_core::sc_time now = sc_core::sc_time_stamp();
              const sc_core::sc_time t =
                  std::max(core.fetcher.transfer(Stage::predict, Direction::read, held.k_addr + off, len, now),
                           core.fetcher.transfer(Stage::formal, Direction::read, held.v_addr + off, len, now));
              if (t > sc_core::sc_time_stamp()) sc_core::wait(t - sc_core::sc_time_stamp());
            }
            r.core_activity[c].dram_bytes += core.fetcher.dram_bytes() - before;
          } else {
            while (st->received[c] < std::uint64_t(f) * (P - 1) + s) sc_core::wait(*st->arrived[c]);
          }
          if (s + 1 < P) {  // pass the held shard (K and V) on while computing with it
            st->sending[c] = 1;
            sc_core::sc_spawn([&mesh, &r, st, held, c, succ, flit_bytes] {
              for (std::uint64_t done = 0; done < 2 * held.bytes; done += kChunkBytes) {
                const std::uint64_t bytes = std::min(kChunkBytes, 2 * held.bytes - done);
                const auto flits = static_cast<std::uint32_t>(1 + (bytes + flit_bytes - 1) / flit_bytes);
                mesh.fabric.transfer(mesh.core_node(c), mesh.core_node(succ), flits, 1);
                ++r.shard_messages;
                r.shard_bytes += bytes;
              }
              ++st->received[succ];
              st->arrived[succ]->notify(sc_core::SC_ZERO_TIME);
              st->sending[c] = 0;
              st->sent[c]->notify(sc_core::SC_ZERO_TIME);
            });
          }
          const std::size_t k = std::size_t(f) * P + s;
          for (std::uint32_t j = sch.step_jobs[c][k]; j < sch.step_jobs[c][k + 1]; ++j) run_job(c, j);
          while (st->sending[c]) sc_core::wait(*st->sent[c]);  // the outgoing buffer is free again
        }
      }
      member_done(c);
    }, ("ring_member" + std::to_string(c)).c_str());
  }
  return P;
}

}  // namespace star
