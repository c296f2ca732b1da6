// Fast packet-level network: each packet's head walks the route hop by hop in time order, and at
// each router reserves its output link for the packet's F flit-cycles (first come, first served).
// It reproduces the flit model's zero-load timing exactly ((h+1)*R + h*L + F-1) and its
// serialisation and link contention, but not buffer back-pressure, VC interleaving or wormhole
// blocking, so it diverges near saturation (measured in docs/noc.md).
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "noc/mesh_topology.h"
#include "noc/noc_model.h"

namespace star {

class PacketNetworkModel final : public NocModel {
 public:
  explicit PacketNetworkModel(const NocConfig& config);

  void inject(const NocPacket& packet) override;
  void advance_to(uint64_t cycle) override;
  uint64_t now() const override { return now_; }
  bool idle() const override { return outstanding_packets_ == 0; }
  uint64_t next_activity_cycle() const override;
  void take_delivered(std::vector<DeliveredPacket>& out) override;
  NocStats stats() const override;
  const NocConfig& config() const override { return config_; }

 private:
  // The head of packet `slot` is written into an input buffer of `node` at `cycle`.
  struct HeadArrival {
    uint64_t cycle;
    uint64_t order;  // FIFO among equal cycles, so runs are deterministic
    uint32_t slot;
    uint32_t node;
    bool operator>(const HeadArrival& o) const {
      return cycle != o.cycle ? cycle > o.cycle : order > o.order;
    }
  };
  struct PendingDelivery {
    uint64_t tail_switch_cycle;  // the cycle the flit model would record the delivery in
    uint64_t order;
    DeliveredPacket delivered;
    bool operator>(const PendingDelivery& o) const {
      return tail_switch_cycle != o.tail_switch_cycle ? tail_switch_cycle > o.tail_switch_cycle
                                                      : order > o.order;
    }
  };

  void process(const HeadArrival& arrival);

  NocConfig config_;
  MeshTopology mesh_;
  uint32_t sa_offset_, st_cycles_;
  uint64_t now_ = 0;
  uint64_t order_ = 0;
  std::priority_queue<HeadArrival, std::vector<HeadArrival>, std::greater<HeadArrival>> arrivals_;
  std::priority_queue<PendingDelivery, std::vector<PendingDelivery>, std::greater<PendingDelivery>> pending_;
  std::vector<uint64_t> port_free_;    // [node * ports + port]: first cycle the output is free
  std::vector<uint64_t> inject_free_;  // [node]: first cycle the injection channel is free
  std::vector<NocPacket> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<DeliveredPacket> delivered_;
  uint64_t outstanding_packets_ = 0;
  NocStats stats_;
};

}  // namespace star
