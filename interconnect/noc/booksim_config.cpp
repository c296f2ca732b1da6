#include "noc/booksim_config.h"

#include <sstream>
#include <stdexcept>

#include "noc/latency_table.h"

namespace star {

namespace {

bool power_of_two(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

void refuse(const std::string& why) { throw std::invalid_argument("booksim config: " + why); }

// BookSim2's names of star-noc's patterns (traffic.cpp); those it has no equal of are refused.
std::string booksim_traffic(const NocConfig& noc, const TrafficConfig& t) {
  switch (t.pattern) {
    case TrafficPattern::UniformRandom: return "uniform";
    case TrafficPattern::Transpose:
    case TrafficPattern::BitComplement:
      if (!power_of_two(noc.width))
        refuse(to_string(t.pattern) + " traffic needs a mesh side that is a power of two in BookSim2 (the " +
               std::to_string(noc.width) + "x" + std::to_string(noc.height) + " mesh is not)");
      return t.pattern == TrafficPattern::Transpose ? "transpose" : "bitcomp";
    case TrafficPattern::Hotspot:
      refuse("hotspot traffic has no BookSim2 equal (its hotspot pattern sends every packet to the hotspots, "
             "star-noc mixes a share of them into uniform traffic)");
      break;
    case TrafficPattern::NearestNeighbour:
      refuse("nearest-neighbour traffic has no BookSim2 equal (its 'neighbor' is the diagonal neighbour, "
             "wrapping around the mesh's edges)");
      break;
  }
  return "";
}

}  // namespace

std::string booksim_config(const NocConfig& noc, const TrafficConfig& t, double rate) {
  noc.validate();
  t.validate(noc);
  if (!(rate > 0.0 && rate <= 1.0)) refuse("the injection rate must be in (0, 1] flits/node/cycle");
  if (noc.width != noc.height)
    refuse("BookSim2's mesh is k x k; " + std::to_string(noc.width) + "x" + std::to_string(noc.height) +
           " is not square (its 'anynet' topology would take a hand-written network file)");
  if (noc.link_latency != 1)
    refuse("BookSim2's mesh has 1-cycle links; link latency " + std::to_string(noc.link_latency) + " is not");
  if (noc.router_stages < 2) refuse("BookSim2's input-queued router takes at least 2 stages (switch allocation, traversal)");
  if (noc.credit_latency < 1)
    refuse("credit latency 0: BookSim2 takes a cycle more than the link to return a credit (credit_delay >= 0)");
  if (noc.routing != NocRouting::XY)
    refuse(to_string(noc.routing) + " routing has no BookSim2 mesh equal (dim_order routes x first: xy)");
  if (noc.num_vc_classes != 1) refuse("several VC classes: synthetic traffic here uses one");
  if (!t.packet_flits_mix.empty()) refuse("mixed packet lengths: only one length is written (packet_size)");
  if (t.request_response) refuse("requests and responses: one traffic class is written");
  if (!noc.body_flit_bypass && t.packet_flits > 1)
    refuse("--no-body-bypass with multi-flit packets: BookSim2's body flits always skip route computation and "
           "VC allocation");
  const std::string traffic = booksim_traffic(noc, t);
  const uint32_t r = noc.router_stages;
  // Stages: route computation (R-3 cycles from R = 4 on; lookahead routing, 0, below), VC and
  // switch allocation one each (in the same cycle, speculatively, with R = 2) and switch traversal.
  const uint32_t routing_delay = r >= 4 ? r - 3 : 0;
  const bool speculative = r == 2;
  // Measurement: one BookSim sample period per 1000 cycles where the window is a multiple of it.
  const bool thousands = t.warmup_cycles % 1000 == 0 && t.measure_cycles % 1000 == 0;
  const uint64_t period = thousands ? 1000 : t.measure_cycles;
  const uint64_t warmup_periods = (t.warmup_cycles + period - 1) / period;
  const uint64_t samples = thousands ? t.measure_cycles / 1000 : 1;

  std::ostringstream os;
  os << "// BookSim2 configuration written by star-noc --booksim-config for\n"
     << "//" << sweep_title(noc, t).substr(1) << ", injection rate " << rate << "\n"
     << "// Run: booksim <this file>   (another rate: booksim <this file> injection_rate=0.2)\n"
     << "// Read 'Packet latency average' and 'Accepted flit rate average' under 'Overall Traffic Statistics'.\n"
     << "// Compared with star-noc's flit model (docs/noc.md, \"Comparing with BookSim2\"): the same timing at\n"
     << "// every router; BookSim2's packet latency is 3 cycles longer (it counts its injection and ejection\n"
     << "// channels)"
     << (t.self_traffic || traffic == "bitcomp" ? ""
         : traffic == "uniform" ? ", and its uniform traffic includes packets to the source itself (star-noc --self-traffic)"
                                : ", and its transpose lets the diagonal nodes send to themselves (star-noc --self-traffic)")
     << ".\n"
     << (noc.topology == NocTopology::Torus
             ? "// Torus: BookSim2's dim_order_torus splits the VCs at the dateline as star-noc does, but sends a\n"
               "// packet half way round an even ring either way at random (star-noc: always east / south).\n"
             : "")
     << "topology = " << to_string(noc.topology) << ";\nk = " << noc.width << ";\nn = 2;\n"
     << "routing_function = dim_order;\n"
     << "router = iq;\n"
     << "num_vcs = " << noc.num_vcs << ";\n"
     << "vc_buf_size = " << noc.vc_buffer_flits << ";\n"
     << "wait_for_tail_credit = 0;\n"
     << "vc_allocator = separable_input_first;\n"
     << "sw_allocator = " << (noc.switch_alloc_iterations == 1 ? std::string("separable_input_first")
                                                                : "islip(" + std::to_string(noc.switch_alloc_iterations) + ")")
     << ";" << (noc.switch_alloc_iterations == 1 ? "" : "  // star-noc's iterations move the pointers in the first only")
     << "\n"
     << "routing_delay = " << routing_delay << ";\n"
     << "vc_alloc_delay = 1;\nsw_alloc_delay = 1;\nst_prepare_delay = 0;\nst_final_delay = 1;\n"
     << "speculative = " << (speculative ? 1 : 0) << ";\n"
     << "credit_delay = " << noc.credit_latency - 1 << ";\n"
     << "input_speedup = 1;\noutput_speedup = 1;\ninternal_speedup = 1.0;\n"
     << "classes = 1;\n"
     << "traffic = " << traffic << ";\n"
     << "injection_process = bernoulli;\n"
     << "injection_rate_uses_flits = 1;\n"
     << "injection_rate = " << rate << ";\n"
     << "packet_size = " << t.packet_flits << ";\n"
     << "sim_type = latency;\n"
     << "sample_period = " << period << ";\n"
     << "warmup_periods = " << warmup_periods << ";\n"
     << "max_samples = " << samples << ";\n"
     << "seed = " << t.seed << ";\n";
  return os.str();
}

}  // namespace star
