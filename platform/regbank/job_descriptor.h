// The job descriptor as the engine reads it from DRAM: decode (little-endian bytes -> struct, at
// the offsets generated from sw/regmap/star_regs.yaml), encode (for drivers and tests) and
// validation with the documented error codes. Pure C++: no SystemC.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "star_regs.h"

namespace star {

using JobDescriptor = star_job_desc_t;  // the generated C struct: one layout for driver and VP

// What a descriptor is checked against: the memory it may address and the capability registers
// (defaults = the reset values of the CAP_* registers).
struct DescriptorLimits {
  std::uint64_t memory_bytes = 0;  // addresses must lie in [0, memory_bytes)
  std::uint32_t addr_align = STAR_REG_CAP_ADDR_ALIGN_RESET;
  std::uint32_t token_buffer_bytes = STAR_REG_CAP_TOKEN_BUF_BYTES_RESET;
  std::uint32_t query_rows = STAR_CAP_ARRAY_QUERY_ROWS_RESET;
  std::uint32_t max_head_dim = STAR_CAP_LIMITS_MAX_HEAD_DIM_RESET;
  std::uint32_t max_subsegments = STAR_CAP_LIMITS_MAX_SUBSEGMENTS_RESET;
  std::uint32_t max_heads = STAR_CAP_LIMITS_MAX_HEADS_RESET;
  std::uint32_t max_seq_len = STAR_REG_CAP_MAX_SEQ_LEN_RESET;
  std::uint32_t max_d_model = STAR_REG_CAP_MAX_D_MODEL_RESET;
};

struct DescriptorCheck {
  std::uint32_t error = STAR_ERROR_CODE_NONE;  // STAR_ERROR_CODE_*
  std::uint32_t field_offset = 0xFFFF;         // byte offset of the first bad field (ERROR_INFO)
  std::string message;                         // names the field and the bad value
  bool ok() const { return error == STAR_ERROR_CODE_NONE; }
};

// Decodes STAR_JOB_DESC_SIZE bytes; throws std::invalid_argument if `size` is smaller.
JobDescriptor decode_descriptor(const std::uint8_t* bytes, std::size_t size);
std::vector<std::uint8_t> encode_descriptor(const JobDescriptor& desc);

// A descriptor with every field at its usual value (formats INT8/INT8/INT16/FP32, scales 1,
// keep 0.25, 4 sub-segments, RASS and on-demand K/V on, radius -1); shapes and addresses zero.
JobDescriptor default_descriptor();

// Checks every field and returns the first error in offset order of the rules below (never
// throws). Fields the job kind does not use (e.g. X for attention only) are not checked.
DescriptorCheck validate_descriptor(const JobDescriptor& desc, const DescriptorLimits& limits);

// Bytes each tensor region spans (rows x stride), as validation computes them.
struct DescriptorRegions {
  std::uint64_t x = 0, wq = 0, wkv = 0, q = 0, kv = 0, o = 0;
};
DescriptorRegions descriptor_regions(const JobDescriptor& desc);

// Name of an error code ("BAD_SHAPE"), or "UNKNOWN".
const char* error_code_name(std::uint32_t code);

}  // namespace star
