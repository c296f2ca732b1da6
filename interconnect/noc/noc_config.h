// Parameters of the network-on-chip, shared by both fidelities. Defaults are STAR-SPEC section 5
// (XY routing, 128-bit links, 1 GHz, 4 VCs x 8 flits, 4-stage routers, credit-based wormhole) and
// the Noxim energy table of section 6.
#pragma once

#include <cstdint>
#include <string>

#include "noc/mesh_topology.h"

namespace star {

enum class NocFidelity { Flit, Packet };
enum class NocRouting { XY, YX, WestFirst };
enum class NocTopology { Mesh, Torus };

NocFidelity parse_noc_fidelity(const std::string& name);  // "flit" | "packet"
NocRouting parse_noc_routing(const std::string& name);    // "xy" | "yx" | "west_first"
NocTopology parse_noc_topology(const std::string& name);  // "mesh" | "torus"
std::string to_string(NocFidelity fidelity);
std::string to_string(NocRouting routing);
std::string to_string(NocTopology topology);

// Energy per event for a 32-bit flit (Noxim defaults); scaled linearly to the flit width.
struct NocEnergyTable {
  double buffer_push_pj_per_32b = 0.76;
  double buffer_pop_pj_per_32b = 0.53;
  double crossbar_pj_per_32b = 0.22;
  double routing_pj_per_head = 0.06;  // one route computation per head flit per router
  double link_pj_per_bit_mm = 0.049;
  double link_length_mm = 1.0;        // tile pitch [design]: one STAR core per 1 mm tile
};

struct NocConfig {
  uint32_t width = 4;                 // mesh columns (x)
  uint32_t height = 4;                // mesh rows (y)
  // A torus closes each row and column into a ring (wrap-around links). It needs dimension-order
  // routing and at least 2 VCs per class: the flit routers break each ring's cycle of channel
  // dependencies with a dateline, a packet that crosses the ring's wrap-around link taking the
  // upper half of its class's VCs on that ring, every other packet the lower half (docs/noc.md,
  // "Mesh and torus").
  NocTopology topology = NocTopology::Mesh;
  NocRouting routing = NocRouting::XY;
  NocFidelity fidelity = NocFidelity::Flit;
  static constexpr uint32_t kMaxVcs = 16;           // num_vcs in 1..kMaxVcs
  static constexpr uint32_t kMaxVcBufferFlits = 256;  // vc_buffer_flits in 1..kMaxVcBufferFlits
  uint32_t num_vcs = 4;               // virtual channels per input port (all classes together)
  uint32_t num_vc_classes = 1;        // virtual networks (2 for request/response traffic)
  uint32_t vc_buffer_flits = 8;       // depth of each VC buffer
  // Packet fidelity with several VCs per class: also model the flit routers' input VCs as FIFOs,
  // their VC allocation and the switch allocator's input nominee (closer to the flit model near
  // saturation, about 1.7x the time per packet; docs/noc.md). No effect on the flit model.
  bool packet_router_detail = false;
  // Packet fidelity with one VC per port and one class: time single-VC wormhole routers exactly as
  // the flit model does (WormholeEventModel: heads allocated outputs in simulated-time order,
  // round robin among the inputs, body flits by the credit rule; the same cycles packet by packet)
  // instead of by reserving link time (faster, but optimistic near saturation). Needs XY or YX
  // routing, buffers of at most kExactWormholeMaxBuffer flits, link + credit latency >= 1 and
  // width + height <= 65. docs/noc.md.
  bool packet_exact_wormhole = false;
  static constexpr uint32_t kExactWormholeMaxBuffer = 64;
  // Flit fidelity: iterations of the separable input-first switch allocator, 1..4. With 1 (the
  // default) an input whose nominated VC loses its output sends nothing that cycle even if
  // another of its VCs could go; further iterations (iSLIP-style, the round-robin pointers move
  // in the first only) let such inputs try their other VCs towards the outputs still free.
  // The packet model (several VCs per class) charges a head's input the arbitrations it loses
  // with 1 and none with more (its reservations match inputs and outputs ideally otherwise).
  uint32_t switch_alloc_iterations = 1;
  uint32_t router_stages = 4;         // RC, VA, SA, ST; 1..8 (extra stages lengthen routing)
  // Body flits skip route computation and VC allocation (their packet already holds the output
  // VC): a body flit may win switch allocation in the cycle it is written into a buffer, as in
  // BookSim2's input-queued router (body flits queue for switch allocation on arrival). Off: every
  // flit waits R-2 cycles after its write, as a head does (a rigid pipeline). Same zero-load head
  // latency either way; with buffers shallower than the credit loop the body flits catch up near
  // the destination and a throttled stream is faster (docs/noc.md, "Body-flit bypass").
  bool body_flit_bypass = true;
  uint32_t link_latency = 1;          // cycles on an inter-router link
  uint32_t credit_latency = 1;        // extra cycles for a credit to travel back (plus link latency)
  uint32_t flit_bits = 128;           // link width
  double clock_ghz = 1.0;
  NocEnergyTable energy;

  uint32_t nodes() const { return width * height; }
  MeshTopology mesh() const { return MeshTopology{width, height, topology == NocTopology::Torus}; }
  uint32_t vcs_per_class() const { return num_vcs / num_vc_classes; }
  uint32_t flit_bytes() const { return flit_bits / 8; }
  double cycle_ns() const { return 1.0 / clock_ghz; }
  // Throws std::invalid_argument naming the first out-of-range parameter.
  void validate() const;
  // Cycles from a head flit leaving a router to its credit being back there: the next router's
  // pipeline, the link both ways and the credit latency (R + 2L + credit latency; R counted as 1
  // below 2 stages). A VC buffer shallower than this throttles a packet to `depth` flits per loop.
  uint32_t credit_loop() const { return (router_stages >= 2 ? router_stages : 1) + 2 * link_latency + credit_latency; }
  // With several VCs per class and buffers shallower than the credit loop the packet model times
  // a throttled packet flit by flit up to this length, and keeps a contiguous span beyond it.
  static constexpr uint32_t kShallowFlitByFlit = 64;
  // Empty, or why the packet model (fidelity packet, several VCs per class) is far off for this
  // network and packets of up to `packet_flits` flits: buffers shallower than the credit loop
  // throttle packets longer than a buffer, and beyond kShallowFlitByFlit flits the model keeps a
  // link for a throttled packet's whole span (other VCs' packets do not interleave); or the VCs'
  // credits together cover less than the loop, and it does not limit a link to them (docs/noc.md,
  // "Shallow buffers with several VCs"). One VC per class is modelled flit by flit (the exact
  // engine exactly) and gets none.
  std::string packet_model_caveat(uint32_t packet_flits) const;
};

}  // namespace star
