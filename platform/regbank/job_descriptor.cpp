#include "regbank/job_descriptor.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "star_regs_table.h"

namespace star {
namespace {

// Little-endian field access, so decoding does not depend on the host's byte order.
template <typename T>
T get(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= std::uint64_t(p[i]) << (8 * i);
  T out;
  if constexpr (sizeof(T) == 8) {
    std::memcpy(&out, &v, 8);
  } else {
    const auto narrow = static_cast<std::uint32_t>(v);
    std::memcpy(&out, &narrow, sizeof(T));  // little-endian host: low bytes first
  }
  return out;
}

template <typename T>
void put(std::uint8_t* p, T value) {
  std::uint64_t v = 0;
  std::memcpy(&v, &value, sizeof(T));
  for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint64_t saturate(unsigned __int128 v) {
  return v > std::numeric_limits<std::uint64_t>::max() ? std::numeric_limits<std::uint64_t>::max()
                                                       : static_cast<std::uint64_t>(v);
}

// rows rows of row_bytes, `stride` apart (0: packed): from the first byte to the last.
std::uint64_t span(std::uint64_t rows, std::uint64_t row_bytes, std::uint64_t stride) {
  if (rows == 0) return 0;
  const std::uint64_t s = stride ? stride : row_bytes;
  return saturate((unsigned __int128)(rows - 1) * s + row_bytes);
}

std::uint32_t queries(const JobDescriptor& d) {
  return d.kind == STAR_JOB_KIND_FULL_LAYER || d.n_queries == 0 ? d.seq_len : d.n_queries;
}

// Collects the first failure; later checks are skipped once one failed.
class Checker {
 public:
  explicit Checker(const DescriptorLimits& limits) : limits_(limits) {}
  bool failed() const { return !result_.ok(); }
  DescriptorCheck result() const { return result_; }

  void fail(std::uint32_t code, std::uint32_t offset, const std::string& field, const std::string& why) {
    if (failed()) return;
    result_.error = code;
    result_.field_offset = offset;
    result_.message = "job descriptor field " + field + ": " + why + " (" + error_code_name(code) + ")";
  }

  void range(std::uint64_t value, std::uint64_t lo, std::uint64_t hi, std::uint32_t offset,
             const char* field) {
    if (value < lo || value > hi) {
      std::ostringstream os;
      os << value << " is outside " << lo << ".." << hi;
      fail(STAR_ERROR_CODE_BAD_SHAPE, offset, field, os.str());
    }
  }

  void scale(float value, std::uint32_t offset, const char* field) {
    if (!std::isfinite(value) || value <= 0.0f) {
      std::ostringstream os;
      os << value << " is not a finite positive number";
      fail(STAR_ERROR_CODE_BAD_SCALE, offset, field, os.str());
    }
  }

  void stride(std::uint32_t stride, std::uint64_t row_bytes, std::uint32_t offset, const char* field) {
    if (stride == 0) return;
    if (stride < row_bytes || stride % limits_.addr_align != 0) {
      std::ostringstream os;
      os << stride << " must be 0 or a multiple of " << limits_.addr_align << " of at least the row ("
         << row_bytes << " bytes)";
      fail(STAR_ERROR_CODE_BAD_STRIDE, offset, field, os.str());
    }
  }

  void region(std::uint64_t addr, std::uint64_t bytes, std::uint32_t offset, const char* field) {
    std::ostringstream os;
    os << std::hex << "0x" << addr;
    if (addr % limits_.addr_align != 0) {
      fail(STAR_ERROR_CODE_MISALIGNED_ADDRESS, offset, field,
           os.str() + " is not a multiple of " + std::to_string(limits_.addr_align));
    } else if (addr >= limits_.memory_bytes || bytes > limits_.memory_bytes - addr) {
      os << " + 0x" << bytes << " bytes ends beyond the memory (0x" << limits_.memory_bytes << " bytes)";
      fail(STAR_ERROR_CODE_ADDRESS_OUT_OF_RANGE, offset, field, os.str());
    }
  }

 private:
  const DescriptorLimits& limits_;
  DescriptorCheck result_;
};

std::uint32_t raw_field(const JobDescriptor& d, const regs::DescriptorFieldInfo& f) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(&d) + f.offset;
  switch (f.bytes) {
    case 1: return bytes[0];
    case 2: return get<std::uint16_t>(bytes);
    default: return get<std::uint32_t>(bytes);
  }
}

void check_enums(const JobDescriptor& d, Checker& c) {
  for (const auto& f : regs::kDescriptorFields) {
    if (f.enum_name[0] == '\0') continue;
    const std::uint32_t v = raw_field(d, f);
    if (regs::enum_value_name(f.enum_name, v)) continue;
    const bool format = std::strcmp(f.enum_name, "format") == 0;
    c.fail(format ? STAR_ERROR_CODE_UNKNOWN_FORMAT : STAR_ERROR_CODE_UNKNOWN_ENUM, f.offset, f.name,
           std::to_string(v) + " is not a " + f.enum_name + " value");
  }
}

void check_format(std::uint8_t value, std::uint32_t wanted, std::uint32_t offset, const char* field,
                  Checker& c) {
  if (value != wanted)
    c.fail(STAR_ERROR_CODE_UNSUPPORTED_FORMAT, offset, field,
           std::string(regs::enum_value_name("format", value)) + " is not supported; the datapath takes " +
               regs::enum_value_name("format", wanted));
}

}  // namespace

const char* error_code_name(std::uint32_t code) {
  const char* name = regs::enum_value_name("error_code", code);
  return name ? name : "UNKNOWN";
}

JobDescriptor decode_descriptor(const std::uint8_t* bytes, std::size_t size) {
  if (size < STAR_JOB_DESC_SIZE)
    throw std::invalid_argument("decode_descriptor: " + std::to_string(size) + " bytes, need " +
                                std::to_string(STAR_JOB_DESC_SIZE));
  JobDescriptor d;
  std::memset(&d, 0, sizeof d);
#define STAR_DECODE_FIELD(name, offset, type) d.name = get<type>(bytes + (offset));
  STAR_JOB_DESC_FIELDS(STAR_DECODE_FIELD)
#undef STAR_DECODE_FIELD
  return d;
}

std::vector<std::uint8_t> encode_descriptor(const JobDescriptor& d) {
  std::vector<std::uint8_t> bytes(STAR_JOB_DESC_SIZE, 0);
#define STAR_ENCODE_FIELD(name, offset, type) put<type>(bytes.data() + (offset), d.name);
  STAR_JOB_DESC_FIELDS(STAR_ENCODE_FIELD)
#undef STAR_ENCODE_FIELD
  return bytes;
}

JobDescriptor default_descriptor() {
  JobDescriptor d;
  std::memset(&d, 0, sizeof d);
  d.kind = STAR_JOB_KIND_ATTENTION_ONLY;
  d.predictor = STAR_PREDICTOR_DLZS;
  d.sufa_order = STAR_SUFA_ORDER_DESCENDING;
  d.flow = STAR_FLOW_COORDINATED;
  d.max_guard = STAR_MAX_GUARD_COMPARE_UPDATE;
  d.rass = STAR_FLAG_YES;
  d.on_demand_kv = STAR_FLAG_YES;
  d.act_format = STAR_FORMAT_INT8;
  d.weight_format = STAR_FORMAT_INT8;
  d.qkv_format = STAR_FORMAT_INT16;
  d.out_format = STAR_FORMAT_FP32;
  d.heads = d.kv_heads = 1;
  d.subsegments = 4;
  d.radius = -1;
  d.keep_ratio = 0.25f;
  d.x_scale = d.wq_scale = d.wk_scale = d.wv_scale = 1.0f;
  d.q_scale = d.k_scale = d.v_scale = 1.0f;
  return d;
}

DescriptorRegions descriptor_regions(const JobDescriptor& d) {
  DescriptorRegions r;
  const std::uint64_t dh = d.head_dim, nq = queries(d), s = d.seq_len;
  if (d.kind == STAR_JOB_KIND_FULL_LAYER) {
    r.x = span(s, d.d_model, d.x_stride);
    r.wq = saturate((unsigned __int128)d.heads * d.d_model * dh);
    r.wkv = saturate((unsigned __int128)d.kv_heads * d.d_model * dh);
  } else {
    r.q = span(std::uint64_t(d.heads) * nq, dh * 2, d.q_stride);
    r.kv = span(std::uint64_t(d.kv_heads) * s, dh * 2, d.kv_stride);
  }
  r.o = span(std::uint64_t(d.heads) * nq, dh * 4, d.o_stride);
  return r;
}

DescriptorCheck validate_descriptor(const JobDescriptor& d, const DescriptorLimits& lim) {
  Checker c(lim);
  const bool full = d.kind == STAR_JOB_KIND_FULL_LAYER;
  // 1. Enumerations and flags (table-driven from the YAML), then the formats the datapath takes.
  check_enums(d, c);
  if (c.failed()) return c.result();
  check_format(d.act_format, STAR_FORMAT_INT8, STAR_JOB_DESC_ACT_FORMAT_OFFSET, "act_format", c);
  check_format(d.weight_format, STAR_FORMAT_INT8, STAR_JOB_DESC_WEIGHT_FORMAT_OFFSET, "weight_format", c);
  check_format(d.qkv_format, STAR_FORMAT_INT16, STAR_JOB_DESC_QKV_FORMAT_OFFSET, "qkv_format", c);
  check_format(d.out_format, STAR_FORMAT_FP32, STAR_JOB_DESC_OUT_FORMAT_OFFSET, "out_format", c);
  if (c.failed()) return c.result();

  // 2. Shapes.
  c.range(d.seq_len, 1, lim.max_seq_len, STAR_JOB_DESC_SEQ_LEN_OFFSET, "seq_len");
  if (full && d.n_queries != 0 && d.n_queries != d.seq_len)
    c.fail(STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_N_QUERIES_OFFSET, "n_queries",
           std::to_string(d.n_queries) + ": a full layer has seq_len queries (give 0 or seq_len)");
  if (!full) c.range(d.n_queries, 0, d.seq_len, STAR_JOB_DESC_N_QUERIES_OFFSET, "n_queries");
  c.range(d.heads, 1, lim.max_heads, STAR_JOB_DESC_HEADS_OFFSET, "heads");
  c.range(d.kv_heads, 1, d.heads, STAR_JOB_DESC_KV_HEADS_OFFSET, "kv_heads");
  if (!c.failed() && d.heads % d.kv_heads != 0)
    c.fail(STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_KV_HEADS_OFFSET, "kv_heads",
           "heads (" + std::to_string(d.heads) + ") is not a multiple of kv_heads (" +
               std::to_string(d.kv_heads) + ")");
  c.range(d.head_dim, 1, lim.max_head_dim, STAR_JOB_DESC_HEAD_DIM_OFFSET, "head_dim");
  if (d.tile_keys == 0) {
    const std::uint64_t most = std::min<std::uint64_t>(lim.max_subsegments, d.seq_len);
    c.range(d.subsegments, 1, most, STAR_JOB_DESC_SUBSEGMENTS_OFFSET, "subsegments");
  }
  if (full) c.range(d.d_model, 1, lim.max_d_model, STAR_JOB_DESC_D_MODEL_OFFSET, "d_model");
  c.range(d.tile_keys, 0, d.seq_len, STAR_JOB_DESC_TILE_KEYS_OFFSET, "tile_keys");
  if (!(std::isfinite(d.keep_ratio) && d.keep_ratio > 0.0f && d.keep_ratio <= 1.0f)) {
    std::ostringstream os;
    os << d.keep_ratio << " is outside (0, 1]";
    c.fail(STAR_ERROR_CODE_BAD_KEEP_RATIO, STAR_JOB_DESC_KEEP_RATIO_OFFSET, "keep_ratio", os.str());
  }
  if (c.failed()) return c.result();

  // 3. On-chip buffers: the Q line buffer plus one K and one V row must fit the token buffer.
  const std::uint64_t need = std::uint64_t(lim.query_rows) * d.head_dim * 2 + 2ull * d.head_dim * 2;
  if (need > lim.token_buffer_bytes)
    c.fail(STAR_ERROR_CODE_BUFFER_OVERFLOW, STAR_JOB_DESC_HEAD_DIM_OFFSET, "head_dim",
           std::to_string(d.head_dim) + " needs " + std::to_string(need) +
               " bytes of token buffer, which has " + std::to_string(lim.token_buffer_bytes));

  // 4. Strides and scales of the tensors this kind uses.
  const std::uint64_t dh = d.head_dim;
  if (full) {
    c.stride(d.x_stride, d.d_model, STAR_JOB_DESC_X_STRIDE_OFFSET, "x_stride");
  } else {
    c.stride(d.q_stride, dh * 2, STAR_JOB_DESC_Q_STRIDE_OFFSET, "q_stride");
    c.stride(d.kv_stride, dh * 2, STAR_JOB_DESC_KV_STRIDE_OFFSET, "kv_stride");
  }
  c.stride(d.o_stride, dh * 4, STAR_JOB_DESC_O_STRIDE_OFFSET, "o_stride");
  if (full) {
    c.scale(d.x_scale, STAR_JOB_DESC_X_SCALE_OFFSET, "x_scale");
    c.scale(d.wq_scale, STAR_JOB_DESC_WQ_SCALE_OFFSET, "wq_scale");
    c.scale(d.wk_scale, STAR_JOB_DESC_WK_SCALE_OFFSET, "wk_scale");
    c.scale(d.wv_scale, STAR_JOB_DESC_WV_SCALE_OFFSET, "wv_scale");
  } else {
    c.scale(d.q_scale, STAR_JOB_DESC_Q_SCALE_OFFSET, "q_scale");
    c.scale(d.k_scale, STAR_JOB_DESC_K_SCALE_OFFSET, "k_scale");
    c.scale(d.v_scale, STAR_JOB_DESC_V_SCALE_OFFSET, "v_scale");
  }
  if (c.failed()) return c.result();

  // 5. Addresses: aligned, and the whole region inside memory.
  const DescriptorRegions r = descriptor_regions(d);
  if (full) {
    c.region(d.x_addr, r.x, STAR_JOB_DESC_X_ADDR_OFFSET, "x_addr");
    c.region(d.wq_addr, r.wq, STAR_JOB_DESC_WQ_ADDR_OFFSET, "wq_addr");
    c.region(d.wk_addr, r.wkv, STAR_JOB_DESC_WK_ADDR_OFFSET, "wk_addr");
    c.region(d.wv_addr, r.wkv, STAR_JOB_DESC_WV_ADDR_OFFSET, "wv_addr");
  } else {
    c.region(d.q_addr, r.q, STAR_JOB_DESC_Q_ADDR_OFFSET, "q_addr");
    c.region(d.k_addr, r.kv, STAR_JOB_DESC_K_ADDR_OFFSET, "k_addr");
    c.region(d.v_addr, r.kv, STAR_JOB_DESC_V_ADDR_OFFSET, "v_addr");
  }
  c.region(d.o_addr, r.o, STAR_JOB_DESC_O_ADDR_OFFSET, "o_addr");
  if (d.scratch_size != 0)
    c.region(d.scratch_addr, d.scratch_size, STAR_JOB_DESC_SCRATCH_ADDR_OFFSET, "scratch_addr");
  else if (d.flow == STAR_FLOW_STAGE_ISOLATED)
    c.fail(STAR_ERROR_CODE_SCRATCH_TOO_SMALL, STAR_JOB_DESC_SCRATCH_SIZE_OFFSET, "scratch_size",
           "0, but the stage-isolated flow stores its intermediates in scratch");

  // 6. Reserved.
  if (d.reserved != 0)
    c.fail(STAR_ERROR_CODE_RESERVED_NONZERO, STAR_JOB_DESC_RESERVED_OFFSET, "reserved", "must be zero");
  return c.result();
}

}  // namespace star
