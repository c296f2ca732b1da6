// A packet as the NoC models see it: who sends how many flits to whom, when, in which class.
#pragma once

#include <cstdint>

namespace star {

struct NocPacket {
  uint64_t id = 0;             // chosen by the caller, returned on delivery
  uint32_t src = 0;            // source node
  uint32_t dst = 0;            // destination node
  uint32_t flits = 1;          // packet length including the head flit
  uint32_t vc_class = 0;       // virtual network (0 = request, 1 = response for TLM traffic)
  uint64_t created_cycle = 0;  // cycle the packet enters the source queue
  // A train: `packets` packets sent back to back, the first packets - 1 of kMaxPacketFlits flits,
  // the last the rest of `flits` (the train's total); only models that time trains
  // (NocModel::times_trains) take more than 1.
  uint32_t packets = 1;
};

constexpr uint32_t kMaxPacketFlits = 65536;

struct DeliveredPacket {
  NocPacket packet;
  uint64_t head_cycle = 0;  // cycle the head flit left the destination router
  uint64_t tail_cycle = 0;  // cycle the tail flit left it: the packet is reassembled
  uint32_t hops = 0;        // inter-router links traversed

  uint64_t latency() const { return tail_cycle - packet.created_cycle; }
  uint64_t head_latency() const { return head_cycle - packet.created_cycle; }
};

}  // namespace star
