#include "mesh/mesh_placement.h"

#include <cstring>
#include <stdexcept>
#include <vector>

#include "soc/job_placement.h"

namespace star {

namespace {

CoreJob shifted(CoreJob job, std::int64_t by) {
  for (std::uint64_t* a : {&job.x_addr, &job.wq_addr, &job.wk_addr, &job.wv_addr, &job.q_addr,
                           &job.k_addr, &job.v_addr, &job.o_addr, &job.scratch_addr})
    *a = static_cast<std::uint64_t>(static_cast<std::int64_t>(*a) + by);
  return job;
}

void check_controller(const MeshLayout& mesh, std::uint32_t m) {
  if (m >= mesh.controllers())
    throw std::invalid_argument("mesh placement: controller " + std::to_string(m) + " does not exist");
}

}  // namespace

CoreJob place_qkv_on_mesh(SpatialStar& mesh, const QuantizedQkv& qkv, const StarAlgoConfig& algo,
                          std::uint32_t m) {
  check_controller(mesh, m);
  if (std::uint64_t{5} * (std::uint64_t{256} << 20) > mesh.config().memory.capacity_bytes / 2)
    throw std::invalid_argument("mesh placement: the controller is too small (the layer's regions must stay in its lower half)");
  return shifted(place_qkv(mesh.memory(m), qkv, algo), static_cast<std::int64_t>(mesh.controller_base(m)));
}

CoreJob place_layer_on_mesh(SpatialStar& mesh, const QuantizedLayer& layer, const StarAlgoConfig& algo,
                            const LayerShifts& shifts, std::uint32_t m, std::uint64_t region) {
  check_controller(mesh, m);
  if (std::uint64_t{6} * region > mesh.config().memory.capacity_bytes / 2)
    throw std::invalid_argument("mesh placement: the controller is too small (the layer's regions must stay in its lower half)");
  return shifted(place_layer(mesh.memory(m), layer, algo, shifts, 0, region),
                 static_cast<std::int64_t>(mesh.controller_base(m)));
}

CoreJob qkv_job_on_mesh(const MeshLayout& mesh, const QuantizedQkv& qkv, const StarAlgoConfig& algo,
                        std::uint32_t m) {
  check_controller(mesh, m);
  return shifted(qkv_job(qkv, algo), static_cast<std::int64_t>(mesh.controller_base(m)));
}

MatF read_mesh_output(const SpatialStar& mesh, const CoreJob& job) {
  const std::uint64_t cap = mesh.config().memory.capacity_bytes;
  const std::uint32_t m = static_cast<std::uint32_t>(job.o_addr / cap);
  check_controller(mesh, m);
  CoreJob local = job;
  local.o_addr -= mesh.controller_base(m);
  return read_output(mesh.memory(m), local);
}

std::vector<CoreJob> spread_layer(const CoreJob& job, const MeshLayout& mesh, std::uint64_t region) {
  if (job.kind != JobKind::attention_only)
    throw std::invalid_argument("spread placement: only attention-only jobs");
  if (job.kv_heads == 0 || job.heads % job.kv_heads != 0)
    throw std::invalid_argument("spread placement: heads must be a multiple of kv_heads");
  const std::uint32_t M = mesh.controllers(), G = job.group();
  const std::uint64_t cap = mesh.config().memory.capacity_bytes;
  std::vector<CoreJob> groups;
  for (std::uint32_t g = 0; g < job.kv_heads; ++g) {
    CoreJob part = job;
    part.heads = G;
    part.kv_heads = 1;
    if (part.q_bytes() > region || part.kv_bytes() > region || part.o_bytes() > region)
      throw std::invalid_argument("spread placement: a group's tensor does not fit its " +
                                  std::to_string(region) + "-byte region");
    const std::uint64_t base = mesh.controller_base(g % M) + std::uint64_t(g / M) * 4 * region;
    if ((g / M + 1) * 4 * region > cap / 2)
      throw std::invalid_argument("spread placement: the layer does not fit the lower half of the controllers");
    part.q_addr = base;
    part.k_addr = base + region;
    part.v_addr = base + 2 * region;
    part.o_addr = base + 3 * region;
    part.scratch_addr = 0;  // per core, set by plan_layer
    groups.push_back(part);
  }
  return groups;
}

std::vector<CoreJob> place_qkv_spread(SpatialStar& mesh, const QuantizedQkv& qkv,
                                      const StarAlgoConfig& algo, std::uint64_t region) {
  const std::vector<CoreJob> groups = spread_layer(qkv_job(qkv, algo), mesh, region);
  const std::uint32_t d = qkv.head_dim, G = qkv.heads / qkv.kv_heads;
  const std::uint64_t cap = mesh.config().memory.capacity_bytes;
  auto put = [&](std::uint64_t global, const MatI16& m, std::uint32_t col0) {
    HbmMemory& mem = mesh.memory(static_cast<std::uint32_t>(global / cap));
    std::vector<std::int16_t> buf(m.rows() * d);
    for (std::size_t r = 0; r < m.rows(); ++r)
      std::memcpy(&buf[r * d], m.row(r) + col0, d * sizeof(std::int16_t));
    mem.load(global % cap, buf.data(), buf.size() * sizeof(std::int16_t));
  };
  for (std::uint32_t g = 0; g < groups.size(); ++g) {
    const CoreJob& part = groups[g];
    for (std::uint32_t hl = 0; hl < G; ++hl) put(part.q_row(hl, 0), qkv.q.values, (g * G + hl) * d);
    put(part.k_row(0, 0), qkv.k.values, g * d);
    put(part.v_row(0, 0), qkv.v.values, g * d);
  }
  return groups;
}

MatF read_spread_output(const SpatialStar& mesh, const std::vector<CoreJob>& groups) {
  if (groups.empty()) throw std::invalid_argument("read_spread_output: no groups");
  const std::uint32_t d = groups[0].head_dim, nq = groups[0].queries(), G = groups[0].heads;
  MatF out(nq, std::size_t(groups.size()) * G * d);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const MatF part = read_mesh_output(mesh, groups[g]);
    for (std::uint32_t i = 0; i < nq; ++i)
      std::memcpy(out.row(i) + g * G * d, part.row(i), std::size_t(G) * d * sizeof(float));
  }
  return out;
}

}  // namespace star
