// The SystemC side of the NoC: one process drives a NocModel (flit or packet fidelity) in step
// with simulated time, skipping idle cycles, and wakes the threads whose packets were delivered.
// NetworkInterfaces (network_interface.h) attach TLM-2.0 initiators and targets to mesh nodes.
#pragma once

#include <systemc>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "noc/noc_model.h"
#include "tracing/window_runs.h"

namespace star {

class NetworkInterface;
class Tracer;
class TraceWindow;

class NocFabric : public sc_core::sc_module, private NocLinkObserver {
 public:
  // TLM traffic needs separate request and response classes: config.num_vc_classes >= 2.
  NocFabric(sc_core::sc_module_name name, const NocConfig& config);
  ~NocFabric() override;

  // Sends a packet of `flits` flits from src to dst in `vc_class` and blocks the calling
  // SC_THREAD until its tail flit has been reassembled at dst. Returns the latency in cycles.
  // A message of more than kMaxPacketFlits flits (head included, at most 2^31) goes as a train of
  // packets, each with its own head flit (NocPacket::packets; split here when the model does not
  // time trains); multicast likewise.
  uint64_t transfer(uint32_t src, uint32_t dst, uint32_t flits, uint32_t vc_class);
  // Sends one packet of `flits` flits from src to every node of `dsts`, all created in the same
  // cycle, and blocks the calling SC_THREAD until it has been reassembled at every destination.
  // Returns the latency in cycles of the last copy. Each destination's copy counts as one packet
  // in the statistics. Source replication: the source's network interface injects one copy per
  // destination (they serialise on its injection channel). Throws like check_multicast.
  uint64_t multicast(uint32_t src, const std::vector<uint32_t>& dsts, uint32_t flits, uint32_t vc_class);
  // Throws std::invalid_argument naming the problem when dsts is empty, holds a node twice or a
  // node outside the mesh, or holds src, or src is outside the mesh. Callers can check a
  // multicast before the simulation starts.
  void check_multicast(uint32_t src, const std::vector<uint32_t>& dsts) const;

  // Global address map: [base, base + size) belongs to the target behind node's interface.
  void map_address(uint64_t base, uint64_t size, uint32_t node);
  // Node owning `address` and the address's offset in its region; false when unmapped.
  bool decode(uint64_t address, uint32_t& node, uint64_t& offset) const;

  void attach(NetworkInterface& ni);
  NetworkInterface* interface_at(uint32_t node) const;

  // Into the tracer's VCD, per router `<module>.r<x>_<y>` (those its module filter selects):
  // `util_<port>` (flits per cycle on each output over the last window of `window_cycles`),
  // `occupancy` (flits in its buffers, flit fidelity) and `occupancy_mean` (mean buffered flits
  // over the last window; the exact wormhole engine counts a flit's stay when it times it). A
  // model that counts at injection (the packet model) tells each hop's link use with its cycles,
  // which are spread over the windows they cover; its waits are not buffer contents (it has no
  // back-pressure), so it traces no occupancy. The values change only inside the tracer's time
  // window. Call before sc_start; off unless called.
  void trace(Tracer& tracer, const std::string& module, uint64_t window_cycles = 100);

  // The messages sent in a VC class (transfer and multicast) and their latencies summed, from
  // their creation to the last copy's reassembly, in NoC cycles; `since` gives an interval's.
  struct MessageLatency {
    uint64_t messages = 0, cycles = 0;
    MessageLatency since(const MessageLatency& before) const { return {messages - before.messages, cycles - before.cycles}; }
    double mean_cycles() const { return messages ? double(cycles) / double(messages) : 0.0; }
  };
  // Throws std::out_of_range for a class the NoC does not have.
  const MessageLatency& message_latency(uint32_t vc_class) const { return message_latency_.at(vc_class); }

  NocModel& model() { return *model_; }
  const NocConfig& config() const { return config_; }
  sc_core::sc_time cycle_time() const { return period_; }

 private:
  // A thread blocked in transfer or multicast: woken when its last copy is reassembled.
  struct Waiter {
    sc_core::sc_event done;
    uint32_t remaining = 0;   // copies not yet delivered
    uint64_t last_tail = 0;   // latest reassembly cycle so far
  };
  uint64_t created_cycle() const;  // the cycle a packet sent now enters its source queue
  // Sends and waits; returns the latency in cycles (and counts it in message_latency_).
  uint64_t send(uint32_t src, const std::vector<uint32_t>& dsts, uint32_t flits, uint32_t vc_class);
  uint64_t send_and_wait(uint32_t src, const std::vector<uint32_t>& dsts, uint32_t flits, uint32_t vc_class);
  std::vector<MessageLatency> message_latency_;  // [class]
  // A message of `flits` flits (head included) as one packet or train (NocPacket::packets > 1),
  // id 0; throws for more than 2^31 flits.
  NocPacket message(uint32_t src, uint32_t dst, uint32_t flits, uint32_t vc_class, uint64_t created) const;
  // Calls inject(packet) for the message as one train, or packet by packet when the model does
  // not time trains, numbering them (`copies` ids each).
  template <class Inject>
  void send_parts(const NocPacket& message, size_t copies, Inject&& inject);
  // For a model that times_at_injection: injects the message created in cycle `created` and
  // returns the cycle its last copy's tail is reassembled.
  uint64_t inject_timed(uint32_t src, const std::vector<uint32_t>& dsts, uint32_t flits, uint32_t vc_class,
                        uint64_t created);
  struct Region {
    uint64_t base, size;
    uint32_t node;
  };
  void run();
  void deliver();
  void sample_trace();
  void link_used(uint32_t link, uint64_t from, uint64_t cycles, uint64_t flits) override;
  uint64_t cycle_floor(const sc_core::sc_time& t) const;

  NocConfig config_;
  std::unique_ptr<NocModel> model_;
  sc_core::sc_time period_;
  sc_core::sc_event wake_;
  std::unordered_map<uint64_t, Waiter*> waiting_;  // by packet id
  std::vector<DeliveredPacket> delivered_;
  std::vector<Region> regions_;
  std::vector<NetworkInterface*> interfaces_;
  uint64_t next_id_ = 0;

  bool tracing_ = false;
  const TraceWindow* trace_time_window_ = nullptr;  // the tracer's: values change only while open
  uint64_t trace_window_ = 100, trace_window_start_ = 0;
  std::vector<uint64_t> trace_link_base_, trace_occupancy_base_;
  std::vector<double> link_utilisation_;       // traced: [node * ports + port]
  std::vector<unsigned> router_occupancy_;     // traced: [node] (flit fidelity)
  std::vector<double> router_occupancy_mean_;  // traced: [node], window mean
  // A model that counts at injection: each link's flits per window, ahead of time, and the first
  // window not closed yet (windows before the model's present are final).
  std::vector<WindowRuns> link_windows_;
  uint64_t trace_closed_ = 0;
};

}  // namespace star
