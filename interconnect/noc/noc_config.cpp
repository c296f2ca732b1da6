#include "noc/noc_config.h"

#include <stdexcept>

namespace star {

NocFidelity parse_noc_fidelity(const std::string& name) {
  if (name == "flit") return NocFidelity::Flit;
  if (name == "packet") return NocFidelity::Packet;
  throw std::invalid_argument("noc fidelity '" + name + "' unknown (expected flit or packet)");
}

NocRouting parse_noc_routing(const std::string& name) {
  if (name == "xy") return NocRouting::XY;
  if (name == "yx") return NocRouting::YX;
  if (name == "west_first") return NocRouting::WestFirst;
  throw std::invalid_argument("noc routing '" + name + "' unknown (expected xy, yx or west_first)");
}

NocTopology parse_noc_topology(const std::string& name) {
  if (name == "mesh") return NocTopology::Mesh;
  if (name == "torus") return NocTopology::Torus;
  throw std::invalid_argument("noc topology '" + name + "' unknown (expected mesh or torus)");
}

std::string to_string(NocTopology topology) { return topology == NocTopology::Torus ? "torus" : "mesh"; }

std::string to_string(NocFidelity fidelity) {
  return fidelity == NocFidelity::Flit ? "flit" : "packet";
}

std::string to_string(NocRouting routing) {
  switch (routing) {
    case NocRouting::XY: return "xy";
    case NocRouting::YX: return "yx";
    case NocRouting::WestFirst: return "west_first";
  }
  return "?";
}

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("noc config: " + what);
}
}  // namespace

void NocConfig::validate() const {
  require(width >= 1 && width <= 64, "width must be in 1..64");
  require(height >= 1 && height <= 64, "height must be in 1..64");
  require(width * height <= 65536, "width * height must be <= 65536");
  require(num_vc_classes >= 1 && num_vc_classes <= 4, "num_vc_classes must be in 1..4");
  require(num_vcs >= 1 && num_vcs <= kMaxVcs, "num_vcs must be in 1.." + std::to_string(kMaxVcs));
  require(num_vcs % num_vc_classes == 0,
          "num_vcs must be a multiple of num_vc_classes (each class gets its own VCs)");
  require(vc_buffer_flits >= 1 && vc_buffer_flits <= kMaxVcBufferFlits,
          "vc_buffer_flits must be in 1.." + std::to_string(kMaxVcBufferFlits));
  require(switch_alloc_iterations >= 1 && switch_alloc_iterations <= 4, "switch_alloc_iterations must be in 1..4");
  require(router_stages >= 1 && router_stages <= 8, "router_stages must be in 1..8");
  require(link_latency <= 64, "link_latency must be in 0..64");
  require(credit_latency <= 64, "credit_latency must be in 0..64");
  require(flit_bits >= 8 && flit_bits <= 4096 && flit_bits % 8 == 0,
          "flit_bits must be a multiple of 8 in 8..4096");
  require(clock_ghz > 0.0 && clock_ghz <= 100.0, "clock_ghz must be in (0, 100]");
  require(energy.link_length_mm >= 0.0, "energy.link_length_mm must be >= 0");
  if (topology == NocTopology::Torus) {
    const std::string what = "a torus needs ";
    require(routing != NocRouting::WestFirst, what + "dimension-order routing (xy or yx): west_first is deadlock-free on a mesh only");
    require(vcs_per_class() >= 2, what + "at least 2 VCs per class (num_vcs / num_vc_classes), the flit routers' dateline "
                                         "splits them between the packets that cross a ring's wrap-around link and the others");
    require(!(fidelity == NocFidelity::Packet && packet_router_detail),
            "packet_router_detail is not modelled on a torus (the packet model's VC allocation has no dateline)");
  }
  if (packet_exact_wormhole && fidelity == NocFidelity::Packet) {
    const std::string what = "packet_exact_wormhole needs ";
    require(num_vcs == 1 && num_vc_classes == 1, what + "one VC per port and one class (num_vcs = num_vc_classes = 1)");
    require(routing != NocRouting::WestFirst, what + "dimension-order routing (xy or yx)");
    require(vc_buffer_flits <= kExactWormholeMaxBuffer,
            what + "vc_buffer_flits <= " + std::to_string(kExactWormholeMaxBuffer));
    require(link_latency + credit_latency >= 1, what + "link_latency + credit_latency >= 1");
    require(width + height <= 65, what + "paths of at most 64 routers (width + height <= 65)");
  }
}

std::string NocConfig::packet_model_caveat(uint32_t packet_flits) const {
  if (fidelity != NocFidelity::Packet || vcs_per_class() < 2) return "";
  const uint32_t loop = credit_loop(), depth = vc_buffer_flits, credits = vcs_per_class() * depth;
  const bool spans = packet_flits > kShallowFlitByFlit && depth < loop;
  if (!spans && credits >= loop) return "";
  const std::string shape = std::to_string(vcs_per_class()) + " VCs of " + std::to_string(depth) +
                            (depth == 1 ? " flit" : " flits") + " per class";
  const std::string what =
      spans ? "buffers shallower than the credit loop (" + std::to_string(loop) +
                  " cycles) throttle packets longer than a buffer, and beyond " + std::to_string(kShallowFlitByFlit) +
                  " flits the packet model keeps a link for a throttled packet's whole span (other VCs' packets "
                  "do not interleave): pessimistic, e.g. +92 % on scenarios/mesh-4x4.yaml's baseline with 2-flit "
                  "buffers"
            : "the VCs' credits (" + std::to_string(credits) + ") cover less than the credit loop (" +
                  std::to_string(loop) + " cycles), and the packet model does not limit a link to them, e.g. -12 % "
                  "on 4x4 with 4 VCs x 1 flit and 1-flit packets at 0.2 flits/node/cycle";
  return "packet fidelity with " + shape + ": " + what + "; use flit fidelity or deeper buffers (docs/noc.md, "
         "\"Shallow buffers with several VCs\")";
}

}  // namespace star
