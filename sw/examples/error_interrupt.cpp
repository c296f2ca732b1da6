// Example 3: handle an error interrupt. A descriptor with a misaligned Q address is submitted;
// the engine refuses it (the platform keeps running), raises JOB_ERROR, and the driver decodes
// STATUS.ERROR_CODE / ERROR_INFO into a message. The fixed descriptor then runs.
#include <cstdio>

#include "host/star_soc_host.h"
#include "reference/generators.h"
#include "star_offload.h"

using namespace star;

int sc_main(int, char*[]) {
  const QkvInputs in = generate_qkv(RowType::mixed, 128, 256, 64, 7);
  StarSocHost top("top", SocConfig{});
  bool ok = false;
  top.run([&](const star_hal& hal) {
    star_dev dev;
    if (star_probe(&dev, &hal) != STAR_OK || star_reset(&dev) != STAR_OK || star_ring_init(&dev, 4) != STAR_OK)
      return;
    star_job_desc_t desc;
    if (prepare_attention(&dev, in.q, in.k, in.v, 1, 1, 64, OffloadOptions{}, &desc) != STAR_OK) return;
    star_job_desc_t bad = desc;
    bad.q_addr += 4;  // not a multiple of CAP_ADDR_ALIGN
    star_submit(&dev, &bad, 1);
    star_result r{};
    int rc = star_wait(&dev, 1'000'000, &r);
    std::printf("bad job: %s; IRQ_STATUS 0x%X; device error %u at ring index %u, descriptor byte 0x%X: %s\n",
                star_status_message(rc), r.irq_status, r.error_code, r.error_index, r.error_field_offset,
                star_error_message(r.error_code));
    const bool refused = rc == STAR_E_DEVICE && r.error_code == STAR_ERROR_CODE_MISALIGNED_ADDRESS &&
                         r.error_field_offset == STAR_JOB_DESC_Q_ADDR_OFFSET;
    star_submit(&dev, &desc, 1);
    rc = star_wait(&dev, 1'000'000, &r);
    std::printf("fixed job: %s, %llu cycles\n", star_status_message(rc), (unsigned long long)r.cycles);
    ok = refused && rc == STAR_OK && r.jobs_done == 1;
  });
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
