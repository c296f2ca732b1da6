// Job descriptor codec: byte layout as generated from the YAML, round trip, and one test per
// validation rule (error code, field offset, message naming the field).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "regbank/job_descriptor.h"

using namespace star;

namespace {

constexpr std::uint64_t kMemory = 1ull << 30;

JobDescriptor attention_job() {
  JobDescriptor d = default_descriptor();
  d.job_id = 42;
  d.seq_len = 1024;
  d.heads = 8;
  d.kv_heads = 2;
  d.head_dim = 64;
  d.q_addr = 0x0010'0000;
  d.k_addr = 0x0020'0000;
  d.v_addr = 0x0030'0000;
  d.o_addr = 0x0040'0000;
  return d;
}

JobDescriptor full_layer_job() {
  JobDescriptor d = default_descriptor();
  d.kind = STAR_JOB_KIND_FULL_LAYER;
  d.seq_len = 512;
  d.heads = 12;
  d.kv_heads = 12;
  d.head_dim = 64;
  d.d_model = 768;
  d.x_addr = 0x0100'0000;
  d.wq_addr = 0x0200'0000;
  d.wk_addr = 0x0300'0000;
  d.wv_addr = 0x0400'0000;
  d.o_addr = 0x0500'0000;
  return d;
}

DescriptorLimits limits() {
  DescriptorLimits l;
  l.memory_bytes = kMemory;
  return l;
}

struct Bad {
  const char* what;
  std::function<void(JobDescriptor&)> mutate;
  std::uint32_t error;
  std::uint32_t offset;
  const char* field;
};

void check_bad(const JobDescriptor& base, const Bad& b) {
  JobDescriptor d = base;
  b.mutate(d);
  const DescriptorCheck c = validate_descriptor(d, limits());
  INFO(b.what << ": " << c.message);
  CHECK(c.error == b.error);
  CHECK(c.field_offset == b.offset);
  CHECK(c.message.find(b.field) != std::string::npos);
  CHECK(c.message.find(error_code_name(b.error)) != std::string::npos);
}

}  // namespace

TEST_CASE("descriptor layout is the generated one, little-endian", "[descriptor]") {
  const JobDescriptor d = attention_job();
  const std::vector<std::uint8_t> bytes = encode_descriptor(d);
  REQUIRE(bytes.size() == STAR_JOB_DESC_SIZE);
  CHECK(bytes[STAR_JOB_DESC_JOB_ID_OFFSET] == 42);
  CHECK(bytes[STAR_JOB_DESC_KIND_OFFSET] == STAR_JOB_KIND_ATTENTION_ONLY);
  CHECK(bytes[STAR_JOB_DESC_SEQ_LEN_OFFSET] == 0x00);
  CHECK(bytes[STAR_JOB_DESC_SEQ_LEN_OFFSET + 1] == 0x04);  // 1024 = 0x0400, low byte first
  CHECK(bytes[STAR_JOB_DESC_KV_HEADS_OFFSET] == 2);
  CHECK(bytes[STAR_JOB_DESC_Q_ADDR_OFFSET + 2] == 0x10);
  std::uint32_t keep_bits = 0;
  for (int i = 0; i < 4; ++i) keep_bits |= std::uint32_t(bytes[STAR_JOB_DESC_KEEP_RATIO_OFFSET + i]) << (8 * i);
  CHECK(keep_bits == 0x3E800000u);  // 0.25f
  const std::uint8_t radius_top = bytes[STAR_JOB_DESC_RADIUS_OFFSET + 3];
  CHECK(radius_top == 0xFF);  // -1
}

TEST_CASE("descriptor round trip", "[descriptor]") {
  JobDescriptor d = full_layer_job();
  d.causal = STAR_FLAG_YES;
  d.radius = -123456;
  d.scratch_addr = 0x7000'0000;
  d.scratch_size = 0x10'0000;
  d.wk_scale = 0.0078125f;
  d.cycles = 0x0123'4567'89AB'CDEFull;
  const std::vector<std::uint8_t> bytes = encode_descriptor(d);
  const JobDescriptor back = decode_descriptor(bytes.data(), bytes.size());
  CHECK(std::memcmp(&back, &d, sizeof d) == 0);
  CHECK(encode_descriptor(back) == bytes);
  CHECK(back.cycles == 0x0123'4567'89AB'CDEFull);
  CHECK(back.radius == -123456);
  CHECK_THROWS_AS(decode_descriptor(bytes.data(), STAR_JOB_DESC_SIZE - 1), std::invalid_argument);
}

TEST_CASE("valid descriptors pass", "[descriptor]") {
  CHECK(validate_descriptor(attention_job(), limits()).ok());
  CHECK(validate_descriptor(full_layer_job(), limits()).ok());
  JobDescriptor edge = attention_job();
  edge.keep_ratio = 1.0f;
  edge.n_queries = 1;
  edge.subsegments = 32;
  edge.q_stride = 256;
  edge.predictor = STAR_PREDICTOR_OFF;
  edge.flow = STAR_FLOW_STAGE_ISOLATED;
  edge.scratch_addr = 0x0800'0000;
  edge.scratch_size = 4096;
  // O ends exactly at the end of memory.
  edge.o_addr = kMemory - descriptor_regions(edge).o;
  CHECK(validate_descriptor(edge, limits()).message == "");
}

TEST_CASE("each validation rule names its field and error code", "[descriptor]") {
  const JobDescriptor attn = attention_job();
  const Bad attention_cases[] = {
      {"kind", [](auto& d) { d.kind = 7; }, STAR_ERROR_CODE_UNKNOWN_ENUM, STAR_JOB_DESC_KIND_OFFSET, "kind"},
      {"predictor", [](auto& d) { d.predictor = 5; }, STAR_ERROR_CODE_UNKNOWN_ENUM, STAR_JOB_DESC_PREDICTOR_OFFSET, "predictor"},
      {"order", [](auto& d) { d.sufa_order = 3; }, STAR_ERROR_CODE_UNKNOWN_ENUM, STAR_JOB_DESC_SUFA_ORDER_OFFSET, "sufa_order"},
      {"flow", [](auto& d) { d.flow = 2; }, STAR_ERROR_CODE_UNKNOWN_ENUM, STAR_JOB_DESC_FLOW_OFFSET, "flow"},
      {"guard", [](auto& d) { d.max_guard = 9; }, STAR_ERROR_CODE_UNKNOWN_ENUM, STAR_JOB_DESC_MAX_GUARD_OFFSET, "max_guard"},
      {"flag", [](auto& d) { d.causal = 2; }, STAR_ERROR_CODE_UNKNOWN_ENUM, STAR_JOB_DESC_CAUSAL_OFFSET, "causal"},
      {"format", [](auto& d) { d.qkv_format = 9; }, STAR_ERROR_CODE_UNKNOWN_FORMAT, STAR_JOB_DESC_QKV_FORMAT_OFFSET, "qkv_format"},
      {"unsupported", [](auto& d) { d.out_format = STAR_FORMAT_FP16; }, STAR_ERROR_CODE_UNSUPPORTED_FORMAT, STAR_JOB_DESC_OUT_FORMAT_OFFSET, "out_format"},
      {"S zero", [](auto& d) { d.seq_len = 0; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_SEQ_LEN_OFFSET, "seq_len"},
      {"S too big", [](auto& d) { d.seq_len = STAR_REG_CAP_MAX_SEQ_LEN_RESET + 1; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_SEQ_LEN_OFFSET, "seq_len"},
      {"n_q > S", [](auto& d) { d.n_queries = 1025; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_N_QUERIES_OFFSET, "n_queries"},
      {"heads zero", [](auto& d) { d.heads = 0; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_HEADS_OFFSET, "heads"},
      {"heads too many", [](auto& d) { d.heads = 256; d.kv_heads = 1; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_HEADS_OFFSET, "heads"},
      {"kv > heads", [](auto& d) { d.kv_heads = 16; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_KV_HEADS_OFFSET, "kv_heads"},
      {"GQA ratio", [](auto& d) { d.kv_heads = 3; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_KV_HEADS_OFFSET, "kv_heads"},
      {"head_dim zero", [](auto& d) { d.head_dim = 0; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_HEAD_DIM_OFFSET, "head_dim"},
      {"head_dim big", [](auto& d) { d.head_dim = 512; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_HEAD_DIM_OFFSET, "head_dim"},
      {"n zero", [](auto& d) { d.subsegments = 0; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_SUBSEGMENTS_OFFSET, "subsegments"},
      {"n > 32", [](auto& d) { d.subsegments = 33; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_SUBSEGMENTS_OFFSET, "subsegments"},
      {"n > S", [](auto& d) { d.seq_len = 8; d.subsegments = 9; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_SUBSEGMENTS_OFFSET, "subsegments"},
      {"B_c > S", [](auto& d) { d.tile_keys = 1025; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_TILE_KEYS_OFFSET, "tile_keys"},
      {"keep zero", [](auto& d) { d.keep_ratio = 0.0f; }, STAR_ERROR_CODE_BAD_KEEP_RATIO, STAR_JOB_DESC_KEEP_RATIO_OFFSET, "keep_ratio"},
      {"keep > 1", [](auto& d) { d.keep_ratio = 1.01f; }, STAR_ERROR_CODE_BAD_KEEP_RATIO, STAR_JOB_DESC_KEEP_RATIO_OFFSET, "keep_ratio"},
      {"keep NaN", [](auto& d) { d.keep_ratio = std::nanf(""); }, STAR_ERROR_CODE_BAD_KEEP_RATIO, STAR_JOB_DESC_KEEP_RATIO_OFFSET, "keep_ratio"},
      {"stride small", [](auto& d) { d.q_stride = 64; }, STAR_ERROR_CODE_BAD_STRIDE, STAR_JOB_DESC_Q_STRIDE_OFFSET, "q_stride"},
      {"stride misaligned", [](auto& d) { d.kv_stride = 136; }, STAR_ERROR_CODE_BAD_STRIDE, STAR_JOB_DESC_KV_STRIDE_OFFSET, "kv_stride"},
      {"o stride", [](auto& d) { d.o_stride = 128; }, STAR_ERROR_CODE_BAD_STRIDE, STAR_JOB_DESC_O_STRIDE_OFFSET, "o_stride"},
      {"scale zero", [](auto& d) { d.k_scale = 0.0f; }, STAR_ERROR_CODE_BAD_SCALE, STAR_JOB_DESC_K_SCALE_OFFSET, "k_scale"},
      {"scale inf", [](auto& d) { d.v_scale = std::numeric_limits<float>::infinity(); }, STAR_ERROR_CODE_BAD_SCALE, STAR_JOB_DESC_V_SCALE_OFFSET, "v_scale"},
      {"misaligned", [](auto& d) { d.k_addr += 8; }, STAR_ERROR_CODE_MISALIGNED_ADDRESS, STAR_JOB_DESC_K_ADDR_OFFSET, "k_addr"},
      {"out of range", [](auto& d) { d.v_addr = kMemory; }, STAR_ERROR_CODE_ADDRESS_OUT_OF_RANGE, STAR_JOB_DESC_V_ADDR_OFFSET, "v_addr"},
      {"end beyond", [](auto& d) { d.o_addr = kMemory - 4096; }, STAR_ERROR_CODE_ADDRESS_OUT_OF_RANGE, STAR_JOB_DESC_O_ADDR_OFFSET, "o_addr"},
      {"wraps", [](auto& d) { d.q_addr = ~0ull - 63; }, STAR_ERROR_CODE_ADDRESS_OUT_OF_RANGE, STAR_JOB_DESC_Q_ADDR_OFFSET, "q_addr"},
      {"scratch", [](auto& d) { d.scratch_addr = kMemory - 64; d.scratch_size = 128; }, STAR_ERROR_CODE_ADDRESS_OUT_OF_RANGE, STAR_JOB_DESC_SCRATCH_ADDR_OFFSET, "scratch_addr"},
      {"no scratch", [](auto& d) { d.flow = STAR_FLOW_STAGE_ISOLATED; }, STAR_ERROR_CODE_SCRATCH_TOO_SMALL, STAR_JOB_DESC_SCRATCH_SIZE_OFFSET, "scratch_size"},
      {"reserved", [](auto& d) { d.reserved = 1; }, STAR_ERROR_CODE_RESERVED_NONZERO, STAR_JOB_DESC_RESERVED_OFFSET, "reserved"},
  };
  for (const Bad& b : attention_cases) check_bad(attn, b);

  const JobDescriptor full = full_layer_job();
  const Bad full_cases[] = {
      {"act format", [](auto& d) { d.act_format = STAR_FORMAT_INT16; }, STAR_ERROR_CODE_UNSUPPORTED_FORMAT, STAR_JOB_DESC_ACT_FORMAT_OFFSET, "act_format"},
      {"n_q", [](auto& d) { d.n_queries = 7; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_N_QUERIES_OFFSET, "n_queries"},
      {"d_model zero", [](auto& d) { d.d_model = 0; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_D_MODEL_OFFSET, "d_model"},
      {"d_model big", [](auto& d) { d.d_model = 1u << 20; }, STAR_ERROR_CODE_BAD_SHAPE, STAR_JOB_DESC_D_MODEL_OFFSET, "d_model"},
      {"x stride", [](auto& d) { d.x_stride = 704; }, STAR_ERROR_CODE_BAD_STRIDE, STAR_JOB_DESC_X_STRIDE_OFFSET, "x_stride"},
      {"wq scale", [](auto& d) { d.wq_scale = -1.0f; }, STAR_ERROR_CODE_BAD_SCALE, STAR_JOB_DESC_WQ_SCALE_OFFSET, "wq_scale"},
      {"wk addr", [](auto& d) { d.wk_addr = 0x0300'0020; }, STAR_ERROR_CODE_MISALIGNED_ADDRESS, STAR_JOB_DESC_WK_ADDR_OFFSET, "wk_addr"},
      {"x range", [](auto& d) { d.x_addr = kMemory - 512 * 768 + 64; }, STAR_ERROR_CODE_ADDRESS_OUT_OF_RANGE, STAR_JOB_DESC_X_ADDR_OFFSET, "x_addr"},
  };
  for (const Bad& b : full_cases) check_bad(full, b);
}

TEST_CASE("fields a job kind does not use are not checked", "[descriptor]") {
  JobDescriptor d = attention_job();
  d.x_addr = 3;            // misaligned, but attention-only jobs have no X
  d.wq_scale = 0.0f;
  d.d_model = 0;
  CHECK(validate_descriptor(d, limits()).ok());
  JobDescriptor f = full_layer_job();
  f.q_addr = kMemory * 2;
  f.k_scale = -1.0f;
  CHECK(validate_descriptor(f, limits()).ok());
}

TEST_CASE("buffer capacity comes from the capability limits", "[descriptor]") {
  DescriptorLimits small = limits();
  small.token_buffer_bytes = 16 * 1024;  // 128 x 64 x 2 = 16 KiB Q buffer, no room for K/V rows
  const DescriptorCheck c = validate_descriptor(attention_job(), small);
  CHECK(c.error == STAR_ERROR_CODE_BUFFER_OVERFLOW);
  CHECK(c.field_offset == STAR_JOB_DESC_HEAD_DIM_OFFSET);
  small.token_buffer_bytes = 16 * 1024 + 256;  // exactly fits
  CHECK(validate_descriptor(attention_job(), small).ok());
}

TEST_CASE("the first bad field is reported", "[descriptor]") {
  JobDescriptor d = attention_job();
  d.reserved = 5;
  d.seq_len = 0;
  d.predictor = 99;
  CHECK(validate_descriptor(d, limits()).error == STAR_ERROR_CODE_UNKNOWN_ENUM);
  d.predictor = STAR_PREDICTOR_DLZS;
  CHECK(validate_descriptor(d, limits()).error == STAR_ERROR_CODE_BAD_SHAPE);
  CHECK(std::string(error_code_name(200)) == "UNKNOWN");
}
