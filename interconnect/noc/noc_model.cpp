#include "noc/noc_model.h"

#include <stdexcept>
#include <string>

#include "noc/flit_network_model.h"
#include "noc/packet_network_model.h"

namespace star {

void NocModel::reject_packet(const NocPacket& p, uint64_t now, const NocConfig& c) {
  const std::string id = "noc packet " + std::to_string(p.id) + ": ";
  if (p.src >= c.nodes()) throw std::invalid_argument(id + "source node " + std::to_string(p.src) + " outside the mesh");
  if (p.dst >= c.nodes()) throw std::invalid_argument(id + "destination node " + std::to_string(p.dst) + " outside the mesh");
  if (p.flits < 1 || p.flits > 65536) throw std::invalid_argument(id + "length must be 1..65536 flits");
  if (p.vc_class >= c.num_vc_classes)
    throw std::invalid_argument(id + "vc_class " + std::to_string(p.vc_class) + " >= num_vc_classes");
  if (p.created_cycle < now)
    throw std::invalid_argument(id + "created at cycle " + std::to_string(p.created_cycle) +
                                ", before the current cycle " + std::to_string(now));
  throw std::invalid_argument(id + "rejected");
}

std::unique_ptr<NocModel> make_noc_model(const NocConfig& config) {
  config.validate();
  if (config.fidelity == NocFidelity::Packet) return std::make_unique<PacketNetworkModel>(config);
  return std::make_unique<FlitNetworkModel>(config);
}

}  // namespace star
