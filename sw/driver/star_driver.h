/* Portable STAR driver with a C interface. It touches the hardware only through star_hal.h, so
 * the same code runs in the VP's host-CPU stub and on a board. Typical use:
 *   star_probe(&dev, &hal); star_reset(&dev); star_ring_init(&dev, 8);
 *   star_submit(&dev, descs, n); star_wait(&dev, timeout_ns, &result); star_read_perf(&dev, &perf);
 * Every function returns STAR_OK (0) or a negative STAR_E_* code; the device's own error codes
 * (STAR_ERROR_CODE_* from star_regs.h) come back in star_result. */
#ifndef STAR_DRIVER_H
#define STAR_DRIVER_H

#include <stdint.h>

#include "star_hal.h"
#include "star_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  STAR_OK = 0,
  STAR_E_BUS = -1,       /* a register access answered a bus error */
  STAR_E_NO_DEVICE = -2, /* ID is not "STAR" */
  STAR_E_VERSION = -3,   /* unknown VERSION.MAJOR */
  STAR_E_TIMEOUT = -4,   /* no interrupt within the timeout */
  STAR_E_NO_MEMORY = -5, /* device memory allocation failed */
  STAR_E_RING_FULL = -6, /* more descriptors than free ring entries */
  STAR_E_DEVICE = -7,    /* the device reported an error: see star_result */
  STAR_E_ARG = -8        /* bad argument */
};

typedef struct star_caps {
  uint32_t token_buf_bytes, query_rows, max_head_dim, max_heads, max_subsegments;
  uint32_t max_seq_len, max_d_model, desc_bytes, desc_align, addr_align, max_ring_entries;
} star_caps;

typedef struct star_dev {
  star_hal hal;
  star_caps caps;
  uint32_t version;
  uint64_t ring_addr; /* device address of the descriptor ring */
  uint32_t ring_size;
  uint32_t tail;      /* next entry the driver fills */
  uint32_t head;      /* first entry not yet reaped by star_wait */
} star_dev;

typedef struct star_result {
  uint32_t jobs_done, jobs_failed;  /* descriptors reaped by this call */
  uint32_t error_code;              /* first failure's STAR_ERROR_CODE_*, or NONE */
  uint32_t error_index;             /* its ring index */
  uint32_t error_field_offset;      /* ERROR_INFO.FIELD_OFFSET (0xFFFF: not a descriptor field) */
  uint32_t irq_status;              /* IRQ_STATUS bits seen (and cleared) */
  uint64_t cycles;                  /* sum of the reaped jobs' cycles */
} star_result;

typedef struct star_perf {
  uint64_t cycles, dram_read_bytes, dram_write_bytes;
  uint32_t jobs_done, jobs_failed;
} star_perf;

/* Checks ID and VERSION, reads the capability registers. */
int star_probe(star_dev* dev, const star_hal* hal);
/* Soft reset, enable, clear counters, IRQ_MASK = JOB_DONE|JOB_ERROR|CMD_ERROR|ABORTED. */
int star_reset(star_dev* dev);
/* Allocates and programs a ring of `entries` descriptors (head = tail = 0). */
int star_ring_init(star_dev* dev, uint32_t entries);
/* Copies `n` descriptors into the ring (completion cleared) and rings the doorbell once. */
int star_submit(star_dev* dev, const star_job_desc_t* descs, uint32_t n);
/* Waits (interrupts, W1C) until every submitted descriptor is reaped or a command error; fills
 * `out` (may be NULL). STAR_E_DEVICE if any job or command failed. */
int star_wait(star_dev* dev, uint64_t timeout_ns, star_result* out);
/* Reads descriptor `index` back (completion word and cycles). */
int star_read_descriptor(star_dev* dev, uint32_t index, star_job_desc_t* out);
int star_read_perf(star_dev* dev, star_perf* out);
/* Registers through the driver, for tools and tests (offsets from star_regs.h). */
int star_reg_read(star_dev* dev, uint32_t offset, uint32_t* value);
int star_reg_write(star_dev* dev, uint32_t offset, uint32_t value);
/* Spatial-STAR (docs/driver.md "Spatial-STAR"): the mesh command processor takes the same
 * descriptors; these select how it splits each job. `cores` = MESH_CORES (0 on a single core).
 * star_mesh_set_orchestration takes STAR_MESH_* below, STAR_E_ARG for another value, and
 * STAR_E_ARG on a single core (MESH_CORES = 0); star_reset clears the choice to QUERY_SPLIT. */
enum {
  STAR_MESH_QUERY_SPLIT = 2,
  STAR_MESH_BASELINE = 1,
  STAR_MESH_QUERY_SPLIT_MULTICAST = 3,
  STAR_MESH_KV_SPLIT = 4,
  STAR_MESH_RING = 5
};
int star_mesh_cores(star_dev* dev, uint32_t* cores);
int star_mesh_set_orchestration(star_dev* dev, uint32_t orchestration);
/* Human-readable messages. */
const char* star_error_message(uint32_t device_error_code);
const char* star_status_message(int driver_status);

/* A descriptor with the usual defaults (formats INT8/INT8/INT16/FP32, keep 0.25, 4 subsegments,
 * DLZS, descending SU-FA order, RASS and on-demand K/V on, radius -1). */
star_job_desc_t star_default_descriptor(void);

#ifdef __cplusplus
}
#endif

#endif /* STAR_DRIVER_H */
