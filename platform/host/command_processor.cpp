#include "host/command_processor.h"

#include <cstring>
#include <stdexcept>

#include "regbank/descriptor_ring.h"

namespace star {

namespace {

// Reads a head-major tensor (heads x rows x d) back into the packed layout (rows x heads*d).
template <class T>
Matrix<T> gather_heads(JobEngine& engine, std::uint64_t addr, std::uint32_t heads, std::uint32_t rows,
                       std::uint32_t d) {
  Matrix<T> packed(rows, std::size_t(heads) * d);
  std::vector<T> buf(std::size_t(rows) * d);
  for (std::uint32_t h = 0; h < heads; ++h) {
    engine.read_data(addr + std::uint64_t(h) * rows * d * sizeof(T), buf.data(),
                           buf.size() * sizeof(T));
    for (std::uint32_t r = 0; r < rows; ++r)
      std::memcpy(packed.row(r) + std::size_t(h) * d, &buf[std::size_t(r) * d], d * sizeof(T));
  }
  return packed;
}

}  // namespace

std::uint32_t core_error_code(const std::string& m) {
  auto has = [&](const char* s) { return m.find(s) != std::string::npos; };
  if (has("align")) return STAR_ERROR_CODE_MISALIGNED_ADDRESS;
  if (has("scratch")) return STAR_ERROR_CODE_SCRATCH_TOO_SMALL;
  if (has("memory") || has("beyond") || has("addr")) return STAR_ERROR_CODE_ADDRESS_OUT_OF_RANGE;
  if (has("buffer")) return STAR_ERROR_CODE_BUFFER_OVERFLOW;
  if (has("keep")) return STAR_ERROR_CODE_BAD_KEEP_RATIO;
  if (has("scale")) return STAR_ERROR_CODE_BAD_SCALE;
  return STAR_ERROR_CODE_BAD_SHAPE;
}

CommandProcessor::CommandProcessor(const sc_core::sc_module_name& name, RegisterBank& regs,
                                   StarCore& core, std::uint64_t memory_bytes, bool functional)
    : sc_core::sc_module(name),
      socket("socket"),
      regs_(regs),
      own_engine_(std::make_unique<StarCoreEngine>(core, memory_bytes, functional)),
      engine_(*own_engine_),
      memory_bytes_(memory_bytes),
      functional_(functional) {
  init();
}

CommandProcessor::CommandProcessor(const sc_core::sc_module_name& name, RegisterBank& regs,
                                   JobEngine& engine, std::uint64_t memory_bytes, bool functional)
    : sc_core::sc_module(name),
      socket("socket"),
      regs_(regs),
      engine_(engine),
      memory_bytes_(memory_bytes),
      functional_(functional) {
  init();
}

void CommandProcessor::init() {
  install_hooks();
  set_capabilities();
  SC_HAS_PROCESS(CommandProcessor);
  SC_THREAD(run);
}

void CommandProcessor::set_capabilities() {
  const CoreConfig& c = engine_.core_config();
  regs_.set_value(STAR_REG_CAP_TOKEN_BUF_BYTES, std::uint32_t(c.token_buffer_bytes));
  regs_.set_value(STAR_REG_CAP_WEIGHT_BUF_BYTES, std::uint32_t(c.weight_buffer_bytes));
  regs_.set_value(STAR_REG_CAP_TEMP_BUF_BYTES, std::uint32_t(c.temp_buffer_bytes));
  regs_.set_bits(STAR_REG_CAP_ARRAY, STAR_CAP_ARRAY_QUERY_ROWS_MASK,
                 c.dlzs_rows << STAR_CAP_ARRAY_QUERY_ROWS_SHIFT);
  regs_.set_bits(STAR_REG_CAP_ARRAY, STAR_CAP_ARRAY_DLZS_COLS_MASK,
                 c.dlzs_cols << STAR_CAP_ARRAY_DLZS_COLS_SHIFT);
  regs_.set_value(STAR_REG_MESH_CORES, engine_.mesh_cores());
}

bool CommandProcessor::enabled() const {
  return (regs_.value(STAR_REG_CTRL) & STAR_CTRL_ENABLE_MASK) != 0;
}

void CommandProcessor::install_hooks() {
  regs_.on_write(STAR_REG_CTRL, [this](std::uint32_t, std::uint32_t written, std::uint32_t) {
    on_ctrl(written);
  });
  regs_.on_write(STAR_REG_RING_TAIL, [this](std::uint32_t, std::uint32_t, std::uint32_t) { doorbell(); });
  regs_.on_read(STAR_REG_STATUS, [this](std::uint32_t stored) {
    stored &= ~STAR_STATUS_IN_RESET_MASK;
    return enabled() ? stored : stored | STAR_STATUS_IN_RESET_MASK;
  });
}

void CommandProcessor::on_ctrl(std::uint32_t written) {
  regs_.set_bits(STAR_REG_STATUS, STAR_STATUS_IN_RESET_MASK,
                 enabled() ? 0u : STAR_STATUS_IN_RESET_MASK);
  if (written & STAR_CTRL_CLEAR_COUNTERS_MASK) {
    for (std::uint32_t off = STAR_REG_PERF_CYCLES_LO; off <= STAR_REG_PERF_JOBS_FAILED; off += 4)
      regs_.set_value(off, 0);
  }
  if (written & (STAR_CTRL_ABORT_MASK | STAR_CTRL_SOFT_RESET_MASK)) {
    if (running_) {
      abort_requested_ = true;
      abort_event_.notify(sc_core::SC_ZERO_TIME);
    }
  }
  if (written & STAR_CTRL_SOFT_RESET_MASK) {
    const std::uint32_t enable = regs_.value(STAR_REG_CTRL) & STAR_CTRL_ENABLE_MASK;
    regs_.reset_registers();
    set_capabilities();
    regs_.set_value(STAR_REG_CTRL, enable);
    regs_.set_bits(STAR_REG_STATUS, STAR_STATUS_IN_RESET_MASK, enable ? 0u : STAR_STATUS_IN_RESET_MASK);
    if (running_) regs_.raise_irq(STAR_IRQ_STATUS_ABORTED_MASK);
    return;
  }
  if (written & STAR_CTRL_START_MASK) doorbell();
}

void CommandProcessor::command_error(std::uint32_t code, const std::string& message) {
  last_message_ = message;
  set_status(running_, false, true, code);
  regs_.set_value(STAR_REG_ERROR_INFO, STAR_ERROR_INFO_FIELD_OFFSET_MASK);
  regs_.raise_irq(STAR_IRQ_STATUS_CMD_ERROR_MASK);
  irq_time_ = sc_core::sc_time_stamp();
}

void CommandProcessor::doorbell() {
  if (!enabled()) {
    command_error(STAR_ERROR_CODE_DOORBELL_IN_RESET, "doorbell while CTRL.ENABLE is 0");
    return;
  }
  RingRegisters ring;
  ring.base = (std::uint64_t(regs_.value(STAR_REG_RING_BASE_HI)) << 32) |
              regs_.value(STAR_REG_RING_BASE_LO);
  ring.size = regs_.value(STAR_REG_RING_SIZE);
  ring.head = regs_.value(STAR_REG_RING_HEAD);
  ring.tail = regs_.value(STAR_REG_RING_TAIL);
  RingLimits limits;
  limits.memory_bytes = memory_bytes_;
  const DescriptorCheck check = validate_ring(ring, limits);
  if (!check.ok()) {
    command_error(check.error, check.message);
    return;
  }
  doorbell_pending_ = true;  // kept until the engine thread looks (it may be draining a job)
  doorbell_event_.notify(sc_core::SC_ZERO_TIME);
}

void CommandProcessor::set_status(bool busy, bool done, bool error, std::uint32_t code) {
  std::uint32_t v = regs_.value(STAR_REG_STATUS) & STAR_STATUS_IN_RESET_MASK;
  if (busy) v |= STAR_STATUS_BUSY_MASK;
  if (done) v |= STAR_STATUS_DONE_MASK;
  if (error) v |= STAR_STATUS_ERROR_MASK;
  v |= (code << STAR_STATUS_ERROR_CODE_SHIFT) & STAR_STATUS_ERROR_CODE_MASK;
  regs_.set_value(STAR_REG_STATUS, v);
}

void CommandProcessor::add_counter64(std::uint32_t lo, std::uint64_t amount) {
  const std::uint64_t v =
      ((std::uint64_t(regs_.value(lo + 4)) << 32) | regs_.value(lo)) + amount;
  regs_.set_value(lo, std::uint32_t(v));
  regs_.set_value(lo + 4, std::uint32_t(v >> 32));
}

bool CommandProcessor::bus_access(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len) {
  tlm::tlm_generic_payload trans;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  trans.set_command(cmd);
  trans.set_address(addr);
  trans.set_data_ptr(static_cast<unsigned char*>(data));
  trans.set_data_length(len);
  trans.set_streaming_width(len);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  socket->b_transport(trans, delay);
  wait(delay);  // the engine is a simple sequential initiator: it waits out every access
  return trans.is_response_ok();
}

void CommandProcessor::run() {
  for (;;) {
    if (!doorbell_pending_) wait(doorbell_event_);
    doorbell_pending_ = false;
    running_ = true;
    while (enabled()) {
      const std::uint32_t head = regs_.value(STAR_REG_RING_HEAD);
      const std::uint32_t size = regs_.value(STAR_REG_RING_SIZE);
      if (size == 0 || head == regs_.value(STAR_REG_RING_TAIL) % size) break;
      if (!run_one(head)) break;
    }
    running_ = false;
    if (!abort_requested_) {
      const std::uint32_t s = regs_.value(STAR_REG_STATUS);
      regs_.set_value(STAR_REG_STATUS, s & ~STAR_STATUS_BUSY_MASK);
      regs_.raise_irq(STAR_IRQ_STATUS_RING_IDLE_MASK);
    }
    abort_requested_ = false;
  }
}

bool CommandProcessor::run_one(std::uint32_t index) {
  const std::uint64_t base = (std::uint64_t(regs_.value(STAR_REG_RING_BASE_HI)) << 32) |
                             regs_.value(STAR_REG_RING_BASE_LO);
  const std::uint64_t addr = base + std::uint64_t(index) * STAR_JOB_DESC_SIZE;
  set_status(true, false, false, 0);
  std::uint8_t bytes[STAR_JOB_DESC_SIZE];
  if (!bus_access(tlm::TLM_READ_COMMAND, addr, bytes, STAR_JOB_DESC_SIZE)) {
    last_message_ = "descriptor read failed";
    finish_job(index, addr, STAR_ERROR_CODE_DMA_ERROR, 0xFFFF, 0);
    return true;
  }
  add_counter64(STAR_REG_PERF_DRAM_RD_BYTES_LO, STAR_JOB_DESC_SIZE);
  const JobDescriptor desc = decode_descriptor(bytes, sizeof bytes);
  DescriptorLimits limits;
  limits.memory_bytes = memory_bytes_;
  limits.token_buffer_bytes = std::uint32_t(engine_.core_config().token_buffer_bytes);
  limits.query_rows = engine_.core_config().dlzs_rows;
  DescriptorCheck check = validate_descriptor(desc, limits);
  CoreJob job;
  if (check.ok()) job = to_core_job(desc, check);
  if (check.ok()) {
    try {
      engine_.start(job);
    } catch (const std::exception& e) {
      check.error = core_error_code(e.what());
      check.message = e.what();
    }
  }
  if (!check.ok()) {
    last_message_ = check.message;
    finish_job(index, addr, check.error, check.field_offset, 0);
    return true;
  }
  core_start_ = sc_core::sc_time_stamp();
  wait(engine_.done() | abort_event_);
  if (abort_requested_) {
    // Reported now; the engine drains the job before anything else runs on it.
    regs_.set_value(STAR_REG_PERF_JOBS_FAILED, regs_.value(STAR_REG_PERF_JOBS_FAILED) + 1);
    set_status(true, false, true, STAR_ERROR_CODE_ABORTED);
    regs_.set_bits(STAR_REG_ERROR_INFO, STAR_ERROR_INFO_DESC_INDEX_MASK, index);
    regs_.raise_irq(STAR_IRQ_STATUS_ABORTED_MASK);
    irq_time_ = sc_core::sc_time_stamp();
    if (engine_.busy()) wait(engine_.done());
    set_status(false, false, true, STAR_ERROR_CODE_ABORTED);
    return false;
  }
  core_end_ = sc_core::sc_time_stamp();
  const JobOutcome outcome = engine_.outcome();
  add_counter64(STAR_REG_PERF_DRAM_WR_BYTES_LO, outcome.dram_write_bytes);
  add_counter64(STAR_REG_PERF_DRAM_RD_BYTES_LO, outcome.dram_read_bytes);
  if (outcome.memory_error) {  // the memory refused a burst: the job's data is not trusted
    finish_job(index, addr, STAR_ERROR_CODE_DMA_ERROR, 0xFFFF, 0);
    return false;
  }
  finish_job(index, addr, STAR_ERROR_CODE_NONE, 0xFFFF, outcome.cycles);
  return true;
}

void CommandProcessor::finish_job(std::uint32_t index, std::uint64_t addr, std::uint32_t code,
                                  std::uint32_t field_offset, std::uint64_t cycles) {
  // Completion word then cycles: 12 bytes written back into the descriptor.
  std::uint8_t wb[12];
  const std::uint32_t word = completion_word(code);
  std::memcpy(wb, &word, 4);
  std::memcpy(wb + 4, &cycles, 8);
  bool dma_ok = bus_access(tlm::TLM_WRITE_COMMAND, addr + STAR_JOB_DESC_COMPLETION_OFFSET, wb, 12);
  if (dma_ok) add_counter64(STAR_REG_PERF_DRAM_WR_BYTES_LO, 12);
  if (!dma_ok && code == STAR_ERROR_CODE_NONE) code = STAR_ERROR_CODE_DMA_ERROR;
  const std::uint32_t size = regs_.value(STAR_REG_RING_SIZE);
  regs_.set_value(STAR_REG_RING_HEAD, size ? (index + 1) % size : 0);
  last_cycles_ = cycles;
  if (code == STAR_ERROR_CODE_NONE) {
    add_counter64(STAR_REG_PERF_CYCLES_LO, cycles);
    regs_.set_value(STAR_REG_PERF_JOBS_DONE, regs_.value(STAR_REG_PERF_JOBS_DONE) + 1);
    set_status(true, true, false, 0);
    regs_.raise_irq(STAR_IRQ_STATUS_JOB_DONE_MASK);
  } else {
    regs_.set_value(STAR_REG_PERF_JOBS_FAILED, regs_.value(STAR_REG_PERF_JOBS_FAILED) + 1);
    set_status(true, false, true, code);
    regs_.set_value(STAR_REG_ERROR_INFO,
                    (index & STAR_ERROR_INFO_DESC_INDEX_MASK) |
                        ((field_offset << STAR_ERROR_INFO_FIELD_OFFSET_SHIFT) &
                         STAR_ERROR_INFO_FIELD_OFFSET_MASK));
    regs_.raise_irq(STAR_IRQ_STATUS_JOB_ERROR_MASK);
  }
  irq_time_ = sc_core::sc_time_stamp();
}

CoreJob CommandProcessor::to_core_job(const JobDescriptor& d, DescriptorCheck& check) {
  CoreJob job;
  const bool full = d.kind == STAR_JOB_KIND_FULL_LAYER;
  job.kind = full ? JobKind::full_layer : JobKind::attention_only;
  job.seq_len = d.seq_len;
  job.n_queries = full ? 0 : d.n_queries;
  job.heads = d.heads;
  job.kv_heads = d.kv_heads;
  job.head_dim = d.head_dim;
  job.d_model = full ? d.d_model : job.d_model;
  job.algo.dense = d.predictor == STAR_PREDICTOR_OFF;
  job.algo.predictor = job.algo.dense ? Predictor::dlzs : Predictor(d.predictor);
  job.algo.sads.keep = d.keep_ratio;
  job.algo.sads.radius = d.radius;
  job.algo.subsegments = d.subsegments;
  job.algo.tile_keys = d.tile_keys;
  job.algo.block_queries = engine_.core_config().dlzs_rows;
  job.algo.sufa.order = SufaOrder(d.sufa_order);
  job.algo.sufa.guard = MaxGuard(d.max_guard);
  job.algo.causal = d.causal != 0;
  job.algo.on_demand_kv = d.on_demand_kv != 0;
  job.flow = Flow(d.flow);
  job.rass = d.rass != 0;
  job.x_addr = d.x_addr;
  job.wq_addr = d.wq_addr;
  job.wk_addr = d.wk_addr;
  job.wv_addr = d.wv_addr;
  job.q_addr = d.q_addr;
  job.k_addr = d.k_addr;
  job.v_addr = d.v_addr;
  job.o_addr = d.o_addr;
  job.scratch_addr = d.scratch_addr;
  job.x_scale = d.x_scale;
  job.wq_scale = d.wq_scale;
  job.wk_scale = d.wk_scale;
  job.wv_scale = d.wv_scale;
  job.q_scale = d.q_scale;
  job.k_scale = d.k_scale;
  job.v_scale = d.v_scale;
  // The core reads packed rows only.
  auto stride_ok = [](std::uint32_t stride, std::uint64_t packed) { return stride == 0 || stride == packed; };
  if (!stride_ok(d.x_stride, d.d_model) || !stride_ok(d.q_stride, d.head_dim * 2u) ||
      !stride_ok(d.kv_stride, d.head_dim * 2u) || !stride_ok(d.o_stride, d.head_dim * 4u)) {
    check.error = STAR_ERROR_CODE_BAD_STRIDE;
    check.field_offset = STAR_JOB_DESC_X_STRIDE_OFFSET;
    check.message = "this core reads packed rows only: strides must be 0 or the row size";
    return job;
  }
  // validate_descriptor cannot size the scratch (the core's formula); check it here.
  if (d.scratch_size < job.scratch_bytes()) {
    check.error = STAR_ERROR_CODE_SCRATCH_TOO_SMALL;
    check.field_offset = STAR_JOB_DESC_SCRATCH_SIZE_OFFSET;
    check.message = "job descriptor field scratch_size: " + std::to_string(d.scratch_size) +
                    " bytes, the job needs " + std::to_string(job.scratch_bytes()) +
                    " (SCRATCH_TOO_SMALL)";
    return job;
  }
  if (full && functional_) {
    // The descriptor carries no shifts: derive them from the layer in DRAM, as firmware would.
    QuantizedLayer layer;
    layer.heads = d.heads;
    layer.kv_heads = d.kv_heads;
    layer.head_dim = d.head_dim;
    layer.x.values = gather_heads<std::int8_t>(engine_, d.x_addr, 1, d.seq_len, d.d_model);
    layer.x.scale = d.x_scale;
    layer.w_q.values = gather_heads<std::int8_t>(engine_, d.wq_addr, d.heads, d.d_model, d.head_dim);
    layer.w_q.scale = d.wq_scale;
    layer.w_k.values = gather_heads<std::int8_t>(engine_, d.wk_addr, d.kv_heads, d.d_model, d.head_dim);
    layer.w_k.scale = d.wk_scale;
    layer.w_v.values = gather_heads<std::int8_t>(engine_, d.wv_addr, d.kv_heads, d.d_model, d.head_dim);
    layer.w_v.scale = d.wv_scale;
    job.shifts = calibrate_layer_shifts(layer, job.algo.predictor);
  }
  return job;
}

}  // namespace star
