#include "noc/noc_model.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "noc/flit_network_model.h"
#include "noc/packet_network_model.h"
#include "noc/wormhole_event_model.h"

namespace star {

NocModel::CountWindow NocModel::CountWindow::between(uint64_t begin, uint64_t end) {
  if (end < begin)
    throw std::invalid_argument("NocModel::count_window: the window ends (cycle " + std::to_string(end) +
                                ") before it begins (cycle " + std::to_string(begin) + ")");
  return CountWindow{begin, end - begin};
}

void NocModel::reject_packet(const NocPacket& p, uint64_t now, const NocConfig& c) {
  const std::string id = "noc packet " + std::to_string(p.id) + ": ";
  if (p.src >= c.nodes()) throw std::invalid_argument(id + "source node " + std::to_string(p.src) + " outside the mesh");
  if (p.dst >= c.nodes()) throw std::invalid_argument(id + "destination node " + std::to_string(p.dst) + " outside the mesh");
  if (p.packets < 1) throw std::invalid_argument(id + "a train needs at least one packet");
  if (p.packets > 1 && p.flits >= p.packets && p.flits <= uint64_t(kMaxPacketFlits) * p.packets)
    throw std::invalid_argument(id + "a train of " + std::to_string(p.packets) +
                                " packets, but this model does not time trains");
  if (p.flits < p.packets || p.flits > uint64_t(kMaxPacketFlits) * p.packets)
    throw std::invalid_argument(id + "length must be 1..65536 flits per packet (" + std::to_string(p.flits) +
                                " flits in " + std::to_string(p.packets) + " packets)");
  if (p.vc_class >= c.num_vc_classes)
    throw std::invalid_argument(id + "vc_class " + std::to_string(p.vc_class) + " >= num_vc_classes");
  if (p.created_cycle < now)
    throw std::invalid_argument(id + "created at cycle " + std::to_string(p.created_cycle) +
                                ", before the current cycle " + std::to_string(now));
  throw std::invalid_argument(id + "rejected");
}

void NocModel::check_multicast(const NocPacket& packet, const std::vector<uint32_t>& dsts, uint64_t now,
                               const NocConfig& config, bool trains) {
  const std::string id = "noc multicast " + std::to_string(packet.id) + ": ";
  if (dsts.empty()) throw std::invalid_argument(id + "no destination");
  std::vector<bool> seen(config.nodes(), false);
  for (const uint32_t d : dsts) {
    NocPacket copy = packet;
    copy.dst = d;
    check_packet(copy, now, config, trains);
    if (d == packet.src)
      throw std::invalid_argument(id + "the source node " + std::to_string(d) + " is among the destinations");
    if (seen[d]) throw std::invalid_argument(id + "destination node " + std::to_string(d) + " listed twice");
    seen[d] = true;
  }
}

void NocModel::inject_multicast(const NocPacket& packet, const std::vector<uint32_t>& dsts) {
  check_multicast(packet, dsts, now(), config(), times_trains());
  for (size_t i = 0; i < dsts.size(); ++i) {
    NocPacket copy = packet;
    copy.id = packet.id + i;
    copy.dst = dsts[i];
    inject(copy);
  }
}

uint64_t NocModel::inject_timed(const NocPacket&, const std::vector<uint32_t>&) {
  throw std::logic_error("NocModel::inject_timed: this model does not time packets at injection");
}

void NocModel::inject_timed(const NocPacket&, DeliveryTiming&) {
  throw std::logic_error("NocModel::inject_timed: this model does not time packets at injection");
}

std::unique_ptr<NocModel> make_noc_model(const NocConfig& config) {
  config.validate();
  if (config.fidelity == NocFidelity::Packet && config.packet_exact_wormhole)
    return make_wormhole_event_model(config);
  if (config.fidelity == NocFidelity::Packet) return std::make_unique<PacketNetworkModel>(config);
  return std::make_unique<FlitNetworkModel>(config);
}

}  // namespace star
