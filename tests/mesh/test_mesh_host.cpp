// The host dispatches attention layers to a 2x2 Spatial-STAR through the single-core C driver and
// offload API, unchanged: every register access travels from the host's router over the NoC to
// the mesh command processor, which plans the job, sends each core its job as a NoC message and
// raises the completion interrupt as a NoC message to the host. O (read back from DRAM) equals the
// single-core model's bit for bit for query_split (the default), baseline and query_split_multicast
// (kv_split and ring within their merge tolerance), and a full layer (X and weights) too; a bad descriptor and
// a bad MESH_ORCHESTRATION value get their error codes and interrupts, and the next job runs.
#include <string>

#include "host_test_support.h"
#include "mesh_test_support.h"
#include "mesh/spatial_star_host.h"
#include "reference/generators.h"
#include "star_core/star_attention_model.h"
#include "star_offload.h"

using namespace star;

namespace {

using test::concat_heads;
using test::same_bits;

// The host's 2x2 mesh: 256 MiB per controller.
MeshConfig host_mesh_config() { return test::mesh_config(2, 2, NocConfig{}.fidelity, std::uint64_t{256} << 20); }

// A HAL that counts register accesses on the way to the host CPU's.
struct CountingHal {
  star_hal inner;
  std::uint64_t accesses = 0;
  star_hal hal() {
    star_hal h = inner;
    h.ctx = this;
    h.reg_read = [](void* c, std::uint32_t off, std::uint32_t* v) {
      auto* self = static_cast<CountingHal*>(c);
      ++self->accesses;
      return self->inner.reg_read(self->inner.ctx, off, v);
    };
    h.reg_write = [](void* c, std::uint32_t off, std::uint32_t v) {
      auto* self = static_cast<CountingHal*>(c);
      ++self->accesses;
      return self->inner.reg_write(self->inner.ctx, off, v);
    };
    h.wait_irq = [](void* c, std::uint64_t t) { return in(c).wait_irq(in(c).ctx, t); };
    h.mem_alloc = [](void* c, std::uint64_t b, std::uint64_t a) { return in(c).mem_alloc(in(c).ctx, b, a); };
    h.mem_free_all = [](void* c) { in(c).mem_free_all(in(c).ctx); };
    h.mem_write = [](void* c, std::uint64_t a, const void* s, std::uint64_t b) {
      return in(c).mem_write(in(c).ctx, a, s, b);
    };
    h.mem_read = [](void* c, std::uint64_t a, void* dst, std::uint64_t b) {
      return in(c).mem_read(in(c).ctx, a, dst, b);
    };
    h.now_ns = [](void* c) { return in(c).now_ns(in(c).ctx); };
    return h;
  }
  static const star_hal& in(void* c) { return static_cast<CountingHal*>(c)->inner; }
};

void expect_invalid(const MeshConfig& cfg, const std::string& words) {
  HT_CHECK(test::throws_naming([&] { cfg.validate(); }, words));
}

}  // namespace

int sc_main(int, char*[]) {
  test::warnings_fail();
  // Configuration checks (before elaboration).
  {
    MeshConfig cfg = host_mesh_config();
    cfg.attach_host = true;
    HT_CHECK_EQ(cfg.placements().size(), 2u);  // 4 edge positions minus host and command processor
    cfg.controllers = {{MeshEdge::west, 1}, {MeshEdge::west, 0}};
    expect_invalid(cfg, "memory controller 1 is placed on the host's position (west edge, row 0)");
    cfg.controllers = {{MeshEdge::east, 0}};
    expect_invalid(cfg, "memory controller 0 is placed on the command processor's position (east edge, row 0)");
    cfg.controllers.clear();
    cfg.command_processor_position = cfg.host_position;
    expect_invalid(cfg, "share the position");
    cfg.command_processor_position = {MeshEdge::east, 2};
    expect_invalid(cfg, "command processor position row 2 outside the mesh");
  }

  SpatialStarHost top("top", host_mesh_config());
  HT_CHECK_EQ(top.mesh.controllers(), 2u);
  HT_CHECK_EQ(top.mesh.host_node(), 0u);               // west edge, row 0
  HT_CHECK_EQ(top.mesh.command_processor_node(), 3u);  // east edge, row 0 (4 routers a row)
  const std::uint32_t S = 256, d = 64, heads = 2, kv_heads = 1;
  std::vector<MatF> qs;
  QkvInputs kv = generate_qkv(RowType::mixed, S, S, d, 21);
  for (std::uint32_t h = 0; h < heads; ++h) qs.push_back(generate_qkv(RowType::mixed, S, S, d, 11 + h).q);
  const MatF q = concat_heads(qs);
  const LayerInputs layer_in = generate_layer(RowType::mixed, S, 128, heads, kv_heads, d, 9);

  struct Run {
    OffloadReport rep;
    MatF out;
    std::uint64_t plan_jobs = 0, plan_cores = 0;  // per-core jobs and cores with work in the plan
    std::uint64_t job_messages = 0, completion_messages = 0;
    std::uint64_t shard_messages = 0, ring_members = 0;  // ring: shards passed on, members
  };
  Run split, baseline, multicast, kv_split, ring, full_layer, after_error;
  star_result bad{}, bad_orch{};
  int bad_rc = 0, bad_orch_rc = 0, set_rc = -99, set_bad_rc = 0;
  std::uint32_t cores = 0;
  std::uint64_t counted = 0, ni_before = 0;
  CountingHal counting;
  sc_core::sc_time irq_seen;
  star_perf perf{};
  const bool finished = top.run([&](const star_hal& hal) {
    counting.inner = hal;
    const star_hal h = counting.hal();
    ni_before = top.host_ni.transactions();
    star_dev dev;
    if (star_probe(&dev, &h) != STAR_OK) return;
    star_reset(&dev);
    star_ring_init(&dev, 4);
    star_mesh_cores(&dev, &cores);
    OffloadOptions opt;
    MeshJobEngine& engine = top.device.engine;
    auto offload = [&](Run& r, bool full = false) {
      const std::uint64_t jobs0 = engine.job_messages(), done0 = engine.completion_messages();
      r.rep = full ? offload_layer(&dev, layer_in.x, layer_in.w_q, layer_in.w_k, layer_in.w_v, heads, kv_heads, d,
                                   opt, r.out)
                   : offload_attention(&dev, q, kv.k, kv.v, heads, kv_heads, d, opt, r.out);
      r.job_messages = engine.job_messages() - jobs0;
      r.completion_messages = engine.completion_messages() - done0;
      for (const auto& per : engine.last_plan().per_core) {
        r.plan_jobs += per.size();
        r.plan_cores += !per.empty();
      }
      r.shard_messages = engine.last_run().shard_messages;
      r.ring_members = engine.last_plan().ring.members.size();
    };
    offload(split);
    set_rc = star_mesh_set_orchestration(&dev, STAR_MESH_BASELINE);
    offload(baseline);
    star_mesh_set_orchestration(&dev, STAR_MESH_QUERY_SPLIT_MULTICAST);
    offload(multicast);
    star_mesh_set_orchestration(&dev, STAR_MESH_KV_SPLIT);
    offload(kv_split);
    star_mesh_set_orchestration(&dev, STAR_MESH_RING);
    offload(ring);
    // A bad descriptor: keep ratio 0.
    star_job_desc_t desc;
    prepare_attention(&dev, q, kv.k, kv.v, heads, kv_heads, d, opt, &desc);
    desc.keep_ratio = 0.0f;
    star_submit(&dev, &desc, 1);
    bad_rc = star_wait(&dev, opt.timeout_ns, &bad);
    // A MESH_ORCHESTRATION value the driver refuses, then one written behind its back.
    set_bad_rc = star_mesh_set_orchestration(&dev, 7);
    star_reg_write(&dev, STAR_REG_MESH_ORCHESTRATION, 7);
    prepare_attention(&dev, q, kv.k, kv.v, heads, kv_heads, d, opt, &desc);
    star_submit(&dev, &desc, 1);
    bad_orch_rc = star_wait(&dev, opt.timeout_ns, &bad_orch);
    star_mesh_set_orchestration(&dev, STAR_MESH_QUERY_SPLIT);
    // A full layer (X and weights; the command processor derives the shifts, the cores generate
    // K/V on demand).
    offload(full_layer, true);
    // The mesh keeps working: query_split again.
    offload(after_error);
    irq_seen = top.cpu.last_irq_seen();
    star_read_perf(&dev, &perf);
    counted = counting.accesses;
  });

  HT_CHECK(finished);
  HT_CHECK_EQ(cores, 4u);
  HT_CHECK_EQ(set_rc, STAR_OK);
  HT_CHECK_EQ(set_bad_rc, STAR_E_ARG);
  HT_CHECK_EQ(top.cpu.bus_errors(), 0u);
  // Bit-exact against the single-core model (the single-core platform equals it: tests/sw).
  QuantizedQkv qkv = quantize_qkv(q, kv.k, kv.v, heads, kv_heads, d);
  qkv.q.scale = float(qkv.q.scale);
  qkv.k.scale = float(qkv.k.scale);
  qkv.v.scale = float(qkv.v.scale);
  StarAlgoConfig algo;
  const MatF want = run_layer(qkv, algo).out;
  HT_CHECK(!same_bits(run_layer(qkv, test::negative_control(algo)).out, want));  // the comparison tells outputs apart
  for (const Run* r : {&split, &baseline, &multicast, &kv_split, &ring, &full_layer, &after_error}) {
    HT_CHECK_EQ(r->rep.status, STAR_OK);
    HT_CHECK(r->rep.cycles > 0);
    // One descriptor-sized message per per-core job, one completion per core with work.
    HT_CHECK_EQ(r->job_messages, r->plan_jobs);
    HT_CHECK_EQ(r->completion_messages, r->plan_cores);
    if (r != &kv_split && r != &ring && r != &full_layer) HT_CHECK(same_bits(r->out, want));
  }
  // kv_split and ring merge SU-FA partials (reassociated float sums): within docs/mesh.md's
  // tolerance.
  const double kv_split_error = test::relative_error(kv_split.out, want);
  const double ring_error = test::relative_error(ring.out, want);
  HT_CHECK_EQ(kv_split.out.size(), want.size());
  HT_CHECK_EQ(ring.out.size(), want.size());
  HT_CHECK(kv_split_error <= test::kKvSplitTolerance);
  HT_CHECK(ring_error <= test::kKvSplitTolerance);
  // ring: 4 key tiles of 64, so 4 members with jobs; each shard (K and V of 64 keys x 64 x 2
  // bytes: one 16 KiB message) travels 3 hops.
  HT_CHECK_EQ(ring.ring_members, 4u);
  HT_CHECK_EQ(ring.plan_cores, 4u);
  HT_CHECK_EQ(ring.shard_messages, 4u * 3);
  HT_CHECK_EQ(kv_split.shard_messages, 0u);
  HT_CHECK_EQ(split.plan_cores, 4u);     // 2 heads x 2 blocks of 128 queries: one block a core
  HT_CHECK_EQ(baseline.plan_cores, 2u);  // whole heads: two cores
  HT_CHECK_EQ(kv_split.plan_cores, 4u);
  // Errors: the descriptor's code and JOB_ERROR; the unknown orchestration fails the job too.
  HT_CHECK_EQ(bad_rc, STAR_E_DEVICE);
  HT_CHECK_EQ(bad.error_code, STAR_ERROR_CODE_BAD_KEEP_RATIO);
  HT_CHECK((bad.irq_status & STAR_IRQ_STATUS_JOB_ERROR_MASK) != 0);
  HT_CHECK_EQ(bad_orch_rc, STAR_E_DEVICE);
  HT_CHECK_EQ(bad_orch.error_code, STAR_ERROR_CODE_BAD_SHAPE);
  HT_CHECK((bad_orch.irq_status & STAR_IRQ_STATUS_JOB_ERROR_MASK) != 0);
  QuantizedLayer layer = quantize_layer(layer_in.x, layer_in.w_q, layer_in.w_k, layer_in.w_v, heads, kv_heads, d);
  for (QuantizedI8* t : {&layer.x, &layer.w_q, &layer.w_k, &layer.w_v}) t->scale = float(t->scale);
  HT_CHECK(same_bits(full_layer.out, run_layer(layer, algo).out));
  // PERF: the good and failed jobs since star_reset; cycles and DRAM bytes of the good ones.
  HT_CHECK_EQ(perf.jobs_done, 7u);
  HT_CHECK_EQ(perf.jobs_failed, 2u);
  HT_CHECK_EQ(perf.cycles, split.rep.cycles + baseline.rep.cycles + multicast.rep.cycles + kv_split.rep.cycles +
                               ring.rep.cycles + full_layer.rep.cycles + after_error.rep.cycles);
  HT_CHECK(perf.dram_read_bytes > 7ull * 3 * S * d * 2);  // at least Q, K and V of each good job
  HT_CHECK(perf.dram_write_bytes >= 7ull * S * heads * d * 4);  // O of each good job
  HT_CHECK(top.device.engine.last_plan().kind == Orchestration::query_split);
  // Only the seven good jobs reached the cores.
  HT_CHECK_EQ(top.device.engine.job_messages(), split.plan_jobs + baseline.plan_jobs + multicast.plan_jobs +
                                                    kv_split.plan_jobs + ring.plan_jobs + full_layer.plan_jobs +
                                                    after_error.plan_jobs);
  // Interrupt line changes crossed the NoC: raised and cleared for each of the nine jobs.
  HT_CHECK(top.device.irq_messages() >= 18u);
  // The host sees the last job's interrupt one NoC message after the command processor raised it.
  HT_CHECK(irq_seen > top.device.cp.last_irq_time());
  HT_CHECK(irq_seen - top.device.cp.last_irq_time() < sc_core::sc_time(1, sc_core::SC_US));
  // Register accesses = request packets from the host's router.
  HT_CHECK(counted > 50u);
  HT_CHECK_EQ(top.host_ni.transactions() - ni_before, counted);
  std::printf("cycles: query_split %llu, baseline %llu, query_split_multicast %llu, kv_split %llu, ring %llu "
              "(max |diff| / max |O| %.3g, %.3g), full layer (d_model 128) %llu; %llu register accesses from the host "
              "node, %llu IRQ messages; last run NoC packets %llu\n",
              (unsigned long long)split.rep.cycles, (unsigned long long)baseline.rep.cycles,
              (unsigned long long)multicast.rep.cycles, (unsigned long long)kv_split.rep.cycles,
              (unsigned long long)ring.rep.cycles, kv_split_error, ring_error,
              (unsigned long long)full_layer.rep.cycles,
              (unsigned long long)counted, (unsigned long long)top.device.irq_messages(),
              (unsigned long long)top.device.engine.last_run().noc.packets_delivered);
  return test::finish("mesh_host");
}
