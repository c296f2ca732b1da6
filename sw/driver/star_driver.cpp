// The driver, written in the common subset of C and C++ semantics; C++ only for the compiler.
#include "star_driver.h"

#include <cstring>

namespace {

int rd(star_dev* d, uint32_t off, uint32_t* v) { return d->hal.reg_read(d->hal.ctx, off, v) ? STAR_E_BUS : STAR_OK; }
int wr(star_dev* d, uint32_t off, uint32_t v) { return d->hal.reg_write(d->hal.ctx, off, v) ? STAR_E_BUS : STAR_OK; }

#define STAR_TRY(expr)          \
  do {                          \
    int rc_ = (expr);           \
    if (rc_ != STAR_OK) return rc_; \
  } while (0)

int rd64(star_dev* d, uint32_t lo, uint64_t* v) {
  uint32_t a = 0, b = 0;
  STAR_TRY(rd(d, lo, &a));
  STAR_TRY(rd(d, lo + 4, &b));
  *v = (uint64_t(b) << 32) | a;
  return STAR_OK;
}

uint64_t desc_addr(const star_dev* d, uint32_t i) { return d->ring_addr + uint64_t(i) * STAR_JOB_DESC_SIZE; }

}  // namespace

extern "C" {

int star_reg_read(star_dev* dev, uint32_t offset, uint32_t* value) { return rd(dev, offset, value); }
int star_reg_write(star_dev* dev, uint32_t offset, uint32_t value) { return wr(dev, offset, value); }

int star_mesh_cores(star_dev* dev, uint32_t* cores) {
  if (!dev || !cores) return STAR_E_ARG;
  return rd(dev, STAR_REG_MESH_CORES, cores);
}

int star_mesh_set_orchestration(star_dev* dev, uint32_t orchestration) {
  if (!dev || orchestration < STAR_MESH_BASELINE || orchestration > STAR_MESH_RING) return STAR_E_ARG;
  uint32_t cores = 0;
  STAR_TRY(star_mesh_cores(dev, &cores));
  if (cores == 0) return STAR_E_ARG;
  return wr(dev, STAR_REG_MESH_ORCHESTRATION, orchestration);
}

int star_probe(star_dev* dev, const star_hal* hal) {
  if (!dev || !hal) return STAR_E_ARG;
  std::memset(dev, 0, sizeof *dev);
  dev->hal = *hal;
  uint32_t id = 0, v = 0;
  STAR_TRY(rd(dev, STAR_REG_ID, &id));
  if (id != STAR_REG_ID_RESET) return STAR_E_NO_DEVICE;
  STAR_TRY(rd(dev, STAR_REG_VERSION, &dev->version));
  if (((dev->version & STAR_VERSION_MAJOR_MASK) >> STAR_VERSION_MAJOR_SHIFT) != STAR_VERSION_MAJOR_RESET)
    return STAR_E_VERSION;
  star_caps* c = &dev->caps;
  STAR_TRY(rd(dev, STAR_REG_CAP_TOKEN_BUF_BYTES, &c->token_buf_bytes));
  STAR_TRY(rd(dev, STAR_REG_CAP_ARRAY, &v));
  c->query_rows = (v & STAR_CAP_ARRAY_QUERY_ROWS_MASK) >> STAR_CAP_ARRAY_QUERY_ROWS_SHIFT;
  STAR_TRY(rd(dev, STAR_REG_CAP_LIMITS, &v));
  c->max_head_dim = (v & STAR_CAP_LIMITS_MAX_HEAD_DIM_MASK) >> STAR_CAP_LIMITS_MAX_HEAD_DIM_SHIFT;
  c->max_subsegments = (v & STAR_CAP_LIMITS_MAX_SUBSEGMENTS_MASK) >> STAR_CAP_LIMITS_MAX_SUBSEGMENTS_SHIFT;
  c->max_heads = (v & STAR_CAP_LIMITS_MAX_HEADS_MASK) >> STAR_CAP_LIMITS_MAX_HEADS_SHIFT;
  STAR_TRY(rd(dev, STAR_REG_CAP_MAX_SEQ_LEN, &c->max_seq_len));
  STAR_TRY(rd(dev, STAR_REG_CAP_MAX_D_MODEL, &c->max_d_model));
  STAR_TRY(rd(dev, STAR_REG_CAP_DESC_BYTES, &c->desc_bytes));
  STAR_TRY(rd(dev, STAR_REG_CAP_DESC_ALIGN, &c->desc_align));
  STAR_TRY(rd(dev, STAR_REG_CAP_ADDR_ALIGN, &c->addr_align));
  STAR_TRY(rd(dev, STAR_REG_CAP_MAX_RING_ENTRIES, &c->max_ring_entries));
  if (c->desc_bytes != STAR_JOB_DESC_SIZE) return STAR_E_VERSION;
  return STAR_OK;
}

int star_reset(star_dev* dev) {
  STAR_TRY(wr(dev, STAR_REG_CTRL, STAR_CTRL_SOFT_RESET_MASK));
  STAR_TRY(wr(dev, STAR_REG_CTRL, STAR_CTRL_ENABLE_MASK | STAR_CTRL_CLEAR_COUNTERS_MASK));
  STAR_TRY(wr(dev, STAR_REG_IRQ_STATUS, 0xFFFFFFFFu));
  STAR_TRY(wr(dev, STAR_REG_IRQ_MASK, STAR_IRQ_MASK_JOB_DONE_MASK | STAR_IRQ_MASK_JOB_ERROR_MASK |
                                          STAR_IRQ_MASK_CMD_ERROR_MASK | STAR_IRQ_MASK_ABORTED_MASK));
  dev->ring_size = 0;
  dev->head = dev->tail = 0;
  return STAR_OK;
}

int star_ring_init(star_dev* dev, uint32_t entries) {
  if (entries == 0 || entries > dev->caps.max_ring_entries) return STAR_E_ARG;
  const uint64_t addr = dev->hal.mem_alloc(dev->hal.ctx, uint64_t(entries) * STAR_JOB_DESC_SIZE,
                                           dev->caps.desc_align);
  if (addr == STAR_HAL_BAD_ADDR) return STAR_E_NO_MEMORY;
  dev->ring_addr = addr;
  dev->ring_size = entries;
  dev->head = dev->tail = 0;
  uint32_t hw_head = 0;
  STAR_TRY(rd(dev, STAR_REG_RING_HEAD, &hw_head));
  dev->head = dev->tail = hw_head < entries ? hw_head : 0;
  STAR_TRY(wr(dev, STAR_REG_RING_BASE_LO, uint32_t(addr)));
  STAR_TRY(wr(dev, STAR_REG_RING_BASE_HI, uint32_t(addr >> 32)));
  STAR_TRY(wr(dev, STAR_REG_RING_SIZE, entries));
  return STAR_OK;
}

int star_submit(star_dev* dev, const star_job_desc_t* descs, uint32_t n) {
  if (!dev->ring_size || n == 0) return STAR_E_ARG;
  const uint32_t used = (dev->tail + dev->ring_size - dev->head) % dev->ring_size;
  if (used + n > dev->ring_size - 1) return STAR_E_RING_FULL;
  for (uint32_t i = 0; i < n; ++i) {
    star_job_desc_t d = descs[i];
    d.completion = 0;
    d.cycles = 0;
    if (dev->hal.mem_write(dev->hal.ctx, desc_addr(dev, dev->tail), &d, sizeof d)) return STAR_E_BUS;
    dev->tail = (dev->tail + 1) % dev->ring_size;
  }
  return wr(dev, STAR_REG_RING_TAIL, dev->tail);
}

int star_read_descriptor(star_dev* dev, uint32_t index, star_job_desc_t* out) {
  if (index >= dev->ring_size) return STAR_E_ARG;
  return dev->hal.mem_read(dev->hal.ctx, desc_addr(dev, index), out, sizeof *out) ? STAR_E_BUS : STAR_OK;
}

int star_wait(star_dev* dev, uint64_t timeout_ns, star_result* out) {
  star_result r;
  std::memset(&r, 0, sizeof r);
  r.error_field_offset = 0xFFFF;
  int rc = STAR_OK;
  const uint64_t start = dev->hal.now_ns ? dev->hal.now_ns(dev->hal.ctx) : 0;
  for (;;) {
    // Reap what the engine finished (RING_HEAD moved past it).
    uint32_t hw_head = 0;
    STAR_TRY(rd(dev, STAR_REG_RING_HEAD, &hw_head));
    while (dev->head != hw_head && dev->head != dev->tail) {
      star_job_desc_t d;
      STAR_TRY(star_read_descriptor(dev, dev->head, &d));
      if (d.completion & STAR_JOB_DESC_COMPLETION_DONE_MASK) {
        ++r.jobs_done;
        r.cycles += d.cycles;
      } else {
        ++r.jobs_failed;
        if (r.error_code == STAR_ERROR_CODE_NONE) {
          r.error_code = (d.completion >> STAR_JOB_DESC_COMPLETION_ERROR_CODE_SHIFT) & 0xFFu;
          r.error_index = dev->head;
          uint32_t info = 0;
          STAR_TRY(rd(dev, STAR_REG_ERROR_INFO, &info));
          r.error_field_offset = (info & STAR_ERROR_INFO_FIELD_OFFSET_MASK) >> STAR_ERROR_INFO_FIELD_OFFSET_SHIFT;
        }
      }
      dev->head = (dev->head + 1) % dev->ring_size;
    }
    if (dev->head == dev->tail) break;
    if (r.irq_status & (STAR_IRQ_STATUS_CMD_ERROR_MASK | STAR_IRQ_STATUS_ABORTED_MASK)) break;
    uint64_t left = timeout_ns;
    if (dev->hal.now_ns) {
      const uint64_t spent = dev->hal.now_ns(dev->hal.ctx) - start;
      if (spent >= timeout_ns) { rc = STAR_E_TIMEOUT; break; }
      left = timeout_ns - spent;
    }
    if (!dev->hal.wait_irq(dev->hal.ctx, left)) { rc = STAR_E_TIMEOUT; break; }
    uint32_t irq = 0;
    STAR_TRY(rd(dev, STAR_REG_IRQ_STATUS, &irq));
    STAR_TRY(wr(dev, STAR_REG_IRQ_STATUS, irq));  // W1C exactly what was seen
    r.irq_status |= irq;
    if (irq & (STAR_IRQ_STATUS_CMD_ERROR_MASK | STAR_IRQ_STATUS_ABORTED_MASK)) {
      uint32_t st = 0;
      STAR_TRY(rd(dev, STAR_REG_STATUS, &st));
      if (r.error_code == STAR_ERROR_CODE_NONE)
        r.error_code = (st & STAR_STATUS_ERROR_CODE_MASK) >> STAR_STATUS_ERROR_CODE_SHIFT;
    }
  }
  if (rc == STAR_OK && (r.jobs_failed || r.error_code != STAR_ERROR_CODE_NONE)) rc = STAR_E_DEVICE;
  if (out) *out = r;
  return rc;
}

int star_read_perf(star_dev* dev, star_perf* out) {
  STAR_TRY(rd64(dev, STAR_REG_PERF_CYCLES_LO, &out->cycles));
  STAR_TRY(rd64(dev, STAR_REG_PERF_DRAM_RD_BYTES_LO, &out->dram_read_bytes));
  STAR_TRY(rd64(dev, STAR_REG_PERF_DRAM_WR_BYTES_LO, &out->dram_write_bytes));
  STAR_TRY(rd(dev, STAR_REG_PERF_JOBS_DONE, &out->jobs_done));
  STAR_TRY(rd(dev, STAR_REG_PERF_JOBS_FAILED, &out->jobs_failed));
  return STAR_OK;
}

const char* star_error_message(uint32_t code) {
  switch (code) {
    case STAR_ERROR_CODE_NONE: return "no error";
    case STAR_ERROR_CODE_BAD_RING: return "bad descriptor ring (size, head/tail, base alignment or range)";
    case STAR_ERROR_CODE_DOORBELL_IN_RESET: return "doorbell while the engine is held in reset (CTRL.ENABLE = 0)";
    case STAR_ERROR_CODE_MISALIGNED_ADDRESS: return "a tensor or scratch address is not aligned to CAP_ADDR_ALIGN";
    case STAR_ERROR_CODE_ADDRESS_OUT_OF_RANGE: return "a tensor or scratch region lies outside device memory";
    case STAR_ERROR_CODE_UNKNOWN_ENUM: return "an enumerated descriptor field holds an unknown value";
    case STAR_ERROR_CODE_UNKNOWN_FORMAT: return "a format field holds an unknown format";
    case STAR_ERROR_CODE_UNSUPPORTED_FORMAT: return "a format the datapath does not take for that operand";
    case STAR_ERROR_CODE_BAD_SHAPE: return "a shape is zero, above its capability or inconsistent";
    case STAR_ERROR_CODE_BAD_KEEP_RATIO: return "keep_ratio is not in (0, 1]";
    case STAR_ERROR_CODE_BUFFER_OVERFLOW: return "the job does not fit the on-chip buffers";
    case STAR_ERROR_CODE_BAD_STRIDE: return "a row stride is invalid or not supported";
    case STAR_ERROR_CODE_BAD_SCALE: return "a scale is not a finite positive number";
    case STAR_ERROR_CODE_RESERVED_NONZERO: return "the reserved descriptor field is not zero";
    case STAR_ERROR_CODE_SCRATCH_TOO_SMALL: return "the scratch region is too small";
    case STAR_ERROR_CODE_DMA_ERROR: return "memory error while reading a descriptor or moving data";
    case STAR_ERROR_CODE_ABORTED: return "the job was aborted (CTRL.ABORT or SOFT_RESET)";
    default: return "unknown device error code";
  }
}

const char* star_status_message(int s) {
  switch (s) {
    case STAR_OK: return "ok";
    case STAR_E_BUS: return "bus error on a register access";
    case STAR_E_NO_DEVICE: return "no STAR device (bad ID)";
    case STAR_E_VERSION: return "unsupported register map version";
    case STAR_E_TIMEOUT: return "timeout waiting for the interrupt";
    case STAR_E_NO_MEMORY: return "out of device memory";
    case STAR_E_RING_FULL: return "descriptor ring full";
    case STAR_E_DEVICE: return "the device reported an error";
    case STAR_E_ARG: return "bad argument";
    default: return "unknown driver status";
  }
}

star_job_desc_t star_default_descriptor(void) {
  star_job_desc_t d;
  std::memset(&d, 0, sizeof d);
  d.kind = STAR_JOB_KIND_ATTENTION_ONLY;
  d.predictor = STAR_PREDICTOR_DLZS;
  d.rass = STAR_FLAG_YES;
  d.on_demand_kv = STAR_FLAG_YES;
  d.act_format = STAR_FORMAT_INT8;
  d.weight_format = STAR_FORMAT_INT8;
  d.qkv_format = STAR_FORMAT_INT16;
  d.out_format = STAR_FORMAT_FP32;
  d.subsegments = 4;
  d.radius = -1;
  d.keep_ratio = 0.25f;
  d.x_scale = d.wq_scale = d.wk_scale = d.wv_scale = 1.0f;
  d.q_scale = d.k_scale = d.v_scale = 1.0f;
  return d;
}

}  // extern "C"
