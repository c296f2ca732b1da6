// Example 2: queue several attention jobs of different shapes in the descriptor ring, ring the
// doorbell once, wait for the interrupts and read each job's completion word, cycles and output.
#include <cstdio>
#include <vector>

#include "host/star_soc_host.h"
#include "reference/generators.h"
#include "star_offload.h"

using namespace star;

int sc_main(int, char*[]) {
  struct Shape { std::uint32_t S, d; };
  const std::vector<Shape> shapes = {{128, 32}, {256, 64}, {512, 64}, {384, 128}};
  std::vector<QkvInputs> inputs;
  for (std::size_t i = 0; i < shapes.size(); ++i)
    inputs.push_back(generate_qkv(RowType::mixed, shapes[i].S, shapes[i].S, shapes[i].d, 40 + i));

  StarSocHost top("top", SocConfig{});
  bool ok = false;
  top.run([&](const star_hal& hal) {
    star_dev dev;
    if (star_probe(&dev, &hal) != STAR_OK || star_reset(&dev) != STAR_OK || star_ring_init(&dev, 8) != STAR_OK)
      return;
    std::vector<star_job_desc_t> descs(shapes.size());
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      if (prepare_attention(&dev, inputs[i].q, inputs[i].k, inputs[i].v, 1, 1, shapes[i].d, OffloadOptions{},
                            &descs[i]) != STAR_OK)
        return;
      descs[i].job_id = std::uint32_t(i);
    }
    const std::uint32_t first = dev.tail;
    if (star_submit(&dev, descs.data(), std::uint32_t(descs.size())) != STAR_OK) return;
    std::printf("%zu jobs queued, doorbell at %s\n", descs.size(), sc_core::sc_time_stamp().to_string().c_str());
    star_result r{};
    const int rc = star_wait(&dev, 100'000'000, &r);
    std::printf("ring drained at %s: %u done, %u failed (%s)\n", sc_core::sc_time_stamp().to_string().c_str(),
                r.jobs_done, r.jobs_failed, star_status_message(rc));
    for (std::size_t i = 0; i < descs.size(); ++i) {
      star_job_desc_t back{};
      star_read_descriptor(&dev, (first + std::uint32_t(i)) % dev.ring_size, &back);
      MatF out;
      read_attention_output(&dev, descs[i], out);
      std::printf("  job %u: S %u d %u completion 0x%X, %llu cycles, O[0][0] = %.4f\n", back.job_id,
                  back.seq_len, back.head_dim, back.completion, (unsigned long long)back.cycles, out(0, 0));
    }
    ok = rc == STAR_OK && r.jobs_done == descs.size();
  });
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
