#include "star_core/core_job.h"

#include <stdexcept>

namespace star {

namespace {
void require(bool ok, const std::string& msg) {
  if (!ok) throw std::invalid_argument(msg);
}
std::string kib(std::uint64_t bytes) { return std::to_string((bytes + 1023) / 1024) + " KiB"; }
}  // namespace

TilingConfig CoreJob::tiling_config(const CoreConfig& core) const {
  TilingConfig t;
  t.seq_len = seq_len;
  t.n_queries = queries();
  t.tokens_after_queries = kind == JobKind::full_layer ? tokens_after_queries : 0;
  t.head_dim = head_dim;
  t.d_model = kind == JobKind::full_layer ? d_model : 0;
  t.block_queries = algo.block_queries;
  t.tile_keys = tiling().tile_keys;
  t.tile_begin = tile_begin;
  t.tile_end = tile_end;
  t.kind = kind;
  t.causal = algo.causal;
  t.rass = rass;
  t.stream_kv_tiles = stream_kv_tiles;
  t.token_buffer_bytes = core.token_buffer_bytes;
  t.weight_buffer_bytes = core.weight_buffer_bytes;
  t.temp_buffer_bytes = core.temp_buffer_bytes;
  return t;
}

std::uint64_t CoreJob::scratch_bytes() const {
  const std::uint64_t per_kv = std::uint64_t(seq_len) * head_dim * 2;
  const std::uint64_t k_hat = kv_heads * per_kv, kv_cache = kv_heads * 2 * per_kv;
  // One head's stage-isolated intermediates: A_hat, indices, scores, probabilities (2 B each).
  const std::uint64_t inter = 4 * std::uint64_t(queries()) * seq_len * 2;
  const std::uint64_t sufa_state = std::uint64_t(queries()) * (head_dim + 2) * 4;
  return k_hat + kv_cache + (flow == Flow::stage_isolated ? inter : 0) + sufa_state;
}

std::uint64_t CoreJob::operand_address(Operand operand, std::uint32_t h, std::uint64_t row,
                                       std::uint64_t bytes_per_row) const {
  const std::uint64_t per_kv = std::uint64_t(seq_len) * head_dim * 2;
  const std::uint64_t off = row * bytes_per_row;
  const std::uint64_t wslice = std::uint64_t(d_model) * head_dim;
  const std::uint64_t inter = std::uint64_t(queries()) * seq_len * 2;
  const std::uint64_t s_kv = scratch_addr + kv_heads * per_kv;
  const std::uint64_t s_inter = s_kv + kv_heads * 2 * per_kv;
  const std::uint64_t s_state = s_inter + (flow == Flow::stage_isolated ? 4 * inter : 0);
  switch (operand) {
    case Operand::x: return x_addr + off;
    case Operand::w_q: return wq_addr + h * wslice + off;
    case Operand::lz_w_k:
    case Operand::w_k: return wk_addr + h * wslice + off;
    case Operand::w_v: return wv_addr + h * wslice + off;
    case Operand::q: return q_addr + std::uint64_t(h) * queries() * head_dim * 2 + off;
    case Operand::k: return k_addr + h * per_kv + off;
    case Operand::v: return v_addr + h * per_kv + off;
    case Operand::o: return o_addr + std::uint64_t(h) * queries() * head_dim * 4 + off;
    case Operand::k_hat: return scratch_addr + h * per_kv + off;
    case Operand::kv_cache: return s_kv + h * 2 * per_kv + off;
    case Operand::a_hat: return s_inter + off;
    case Operand::indices: return s_inter + inter + off;
    case Operand::scores: return s_inter + 2 * inter + off;
    case Operand::probabilities: return s_inter + 3 * inter + off;
    case Operand::sufa_state: return s_state + off;
  }
  return scratch_addr;
}

void CoreJob::validate(const CoreConfig& core, std::uint64_t memory_bytes) const {
  require(seq_len >= 1 && seq_len <= (1u << 24), "job.seq_len must be in [1, 16M]");
  require(queries() >= 1 && queries() <= seq_len * 1ull * 64,
          "job.n_queries must be in [1, 64 * seq_len]");
  require(heads >= 1 && kv_heads >= 1 && heads % kv_heads == 0,
          "job.heads (" + std::to_string(heads) + ") must be a positive multiple of job.kv_heads (" +
              std::to_string(kv_heads) + ")");
  require(head_dim >= 1 && head_dim <= 1024, "job.head_dim must be in [1, 1024]");
  if (kind == JobKind::full_layer)
    require(d_model >= 1 && d_model <= 65536, "job.d_model must be in [1, 65536]");
  if (algo.causal) require(queries() <= seq_len, "job: causal attention needs n_queries <= seq_len");
  if (kind == JobKind::full_layer)
    require(std::uint64_t{queries()} + tokens_after_queries <= seq_len &&
                (!algo.causal || tokens_after_queries == 0),
            "job: a full layer's queries are X rows: n_queries + tokens_after_queries must be at most "
            "seq_len, and tokens_after_queries 0 with causal masking");
  else
    require(tokens_after_queries == 0, "job.tokens_after_queries is for full-layer jobs only");
  algo.validate(seq_len);
  {
    const std::uint32_t n_tiles = tiling().n_tiles(), end = tile_end ? tile_end : n_tiles;
    require(end <= n_tiles && tile_begin < end,
            "job.tile_begin/tile_end: key shard [" + std::to_string(tile_begin) + ", " +
                std::to_string(end) + ") is not a non-empty range of the " +
                std::to_string(n_tiles) + " key tiles");
  }
  if (stream_kv_tiles)
    require(flow == Flow::coordinated, "job.stream_kv_tiles needs the coordinated flow");
  if (kind == JobKind::full_layer)
    require(shifts.q.size() == heads && shifts.k.size() == kv_heads &&
                shifts.v.size() == kv_heads && shifts.k_hat.size() == kv_heads,
            "job.shifts: a full layer needs one Q shift per head and K, V, K_hat shifts per K/V head");

  // Buffer capacities: the token buffer holds the query block's Q and one key tile's K (or K_hat).
  const std::uint64_t q_block = std::uint64_t(algo.block_queries) * head_dim * 2;
  const std::uint64_t k_tile = std::uint64_t(tiling().tile_keys) * head_dim * 2;
  if (q_block + k_tile > core.token_buffer_bytes) {
    const std::uint64_t max_tile =
        core.token_buffer_bytes > q_block ? (core.token_buffer_bytes - q_block) / (head_dim * 2) : 0;
    throw std::invalid_argument(
        "tiling does not fit the token buffer (" + kib(core.token_buffer_bytes) +
        "): the query block's Q needs " + kib(q_block) + " and one key tile of " +
        std::to_string(tiling().tile_keys) + " keys needs " + kib(k_tile) +
        "; use at most " + std::to_string(max_tile) + " keys per tile (more sub-segments)");
  }
  // The weight buffer holds one d_model-row slice of LZ(W_k) per pass: at least one row.
  if (kind == JobKind::full_layer && std::uint64_t(head_dim) * 4 > core.weight_buffer_bytes)
    throw std::invalid_argument("weight buffer (" + kib(core.weight_buffer_bytes) +
                                ") cannot hold one weight row of the head");

  // Addresses: in range and aligned to their element.
  auto check_region = [&](const char* name, std::uint64_t addr, std::uint64_t bytes,
                          std::uint64_t align) {
    require(addr % align == 0, std::string("job.") + name + " address " + std::to_string(addr) +
                                   " is not " + std::to_string(align) + "-byte aligned");
    require(addr + bytes <= memory_bytes && addr + bytes >= addr,
            std::string("job.") + name + " region [" + std::to_string(addr) + ", +" +
                std::to_string(bytes) + ") is outside the " + std::to_string(memory_bytes) +
                "-byte memory");
  };
  if (kind == JobKind::full_layer) {
    check_region("x", x_addr, x_bytes(), 64);
    check_region("w_q", wq_addr, wq_bytes(), 64);
    check_region("w_k", wk_addr, wkv_bytes(), 64);
    check_region("w_v", wv_addr, wkv_bytes(), 64);
  } else {
    check_region("q", q_addr, q_bytes(), 64);
    check_region("k", k_addr, kv_bytes(), 64);
    check_region("v", v_addr, kv_bytes(), 64);
  }
  check_region("o", o_addr, o_bytes(), 64);
  check_region("scratch", scratch_addr, scratch_bytes(), 64);
}

}  // namespace star
