#include "mesh/multicast_hub.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace star {

MulticastStats MulticastStats::since(const MulticastStats& b) const {
  MulticastStats d = *this;
  d.rounds -= b.rounds;
  d.dram_bytes -= b.dram_bytes;
  d.copies -= b.copies;
  d.delivered_bytes -= b.delivered_bytes;
  d.waits_for_buffer -= b.waits_for_buffer;
  d.errors -= b.errors;
  d.stranded -= b.stranded;
  return d;  // buffer_high_water: since the last configure()
}

struct MulticastHub::Round {
  std::uint64_t length = 0;
  std::vector<char> wants;    // [member]: a subscriber that has not taken its copy yet
  std::uint32_t pending = 0;  // such subscribers
  bool delivered = false, error = false;
  sc_core::sc_event arrived;
  std::vector<unsigned char> data;  // functional mode: the DRAM bytes
};

std::uint64_t MulticastHub::Extent::burst_at(std::uint64_t a, std::uint64_t max_burst) const {
  if (!contains(a) || tile_bytes == 0) return 0;
  const std::uint64_t off = a - base, tile = off / tile_bytes, in_tile = off - tile * tile_bytes;
  if (in_tile % max_burst != 0) return 0;  // not where the fetcher starts a burst
  const std::uint64_t tile_end = std::min(bytes, (tile + 1) * tile_bytes);
  return std::min<std::uint64_t>(max_burst, tile_end - off);
}

const MulticastHub::Extent* MulticastHub::MemberStripe::find(std::uint64_t a) const {
  for (const Extent& e : streams)
    if (e.contains(a)) return &e;
  return nullptr;
}

MulticastHub::MulticastHub(sc_core::sc_module_name name, NocFabric& fabric,
                           std::vector<std::uint32_t> controller_nodes,
                           std::uint64_t controller_bytes, std::uint32_t max_burst_bytes,
                           bool functional)
    : sc_core::sc_module(name), fabric_(fabric), controller_nodes_(std::move(controller_nodes)),
      controller_bytes_(controller_bytes), max_burst_(max_burst_bytes), functional_(functional) {
  if (max_burst_ == 0) throw std::invalid_argument("MulticastHub: max_burst_bytes must be >= 1");
  for (std::uint32_t m = 0; m < controller_nodes_.size(); ++m)
    sockets_.push_back(std::make_unique<Socket>(("memory_socket" + std::to_string(m)).c_str()));
}

MulticastHub::~MulticastHub() = default;

void MulticastHub::configure(std::vector<MulticastGroupSpec> specs) {
  for (const Group& g : groups_)
    for (const auto& [key, r] : g.rounds) stats_.stranded += r->pending;
  std::vector<Group> groups;
  std::vector<Membership> members;
  for (std::size_t gi = 0; gi < specs.size(); ++gi) {
    const MulticastGroupSpec& s = specs[gi];
    if (s.cores.empty() || s.nodes.size() != s.cores.size() || s.jobs.size() != s.cores.size())
      throw std::invalid_argument("multicast group " + std::to_string(gi) +
                                  ": cores, nodes and jobs must be non-empty and of equal size");
    Group g;
    g.cores = s.cores;
    g.nodes = s.nodes;
    g.buffer_bytes = s.buffer_bytes;  // a round always fits an empty buffer
    g.freed = std::make_unique<sc_core::sc_event>();
    for (std::uint32_t j = 0; j < s.cores.size(); ++j) {
      const std::uint32_t c = s.cores[j];
      if (c >= members.size()) members.resize(c + 1);
      if (members[c].group >= 0)
        throw std::invalid_argument("multicast: core " + std::to_string(c) + " is in two groups");
      members[c].group = static_cast<std::int32_t>(gi);
      members[c].member = j;
      std::map<std::uint32_t, MemberStripe> stripes;
      for (const MulticastJob& mj : s.jobs[j]) {
        const CoreJob& job = mj.job;
        if (!job.stream_kv_tiles || job.kv_heads != 1)
          throw std::invalid_argument("multicast: core " + std::to_string(c) +
                                      "'s job must have one K/V head and stream_kv_tiles");
        if (!stripes.empty() && mj.stripe <= stripes.rbegin()->first)
          throw std::invalid_argument("multicast: core " + std::to_string(c) +
                                      "'s stripes must increase");
        MemberStripe& ms = stripes[mj.stripe];
        const std::uint64_t keys = job.seq_len, tile = job.tiling().tile_keys;
        if (job.kind == JobKind::attention_only) {
          const std::uint64_t row = std::uint64_t(job.head_dim) * 2;
          ms.streams.push_back(Extent{job.k_addr, keys * row, tile * row, 1});
          ms.streams.push_back(Extent{job.v_addr, keys * row, tile * row, 1});
        } else {
          ms.streams.push_back(Extent{job.x_addr, keys * job.d_model, tile * job.d_model, 2});
        }
      }
      g.stripes.push_back(std::move(stripes));
    }
    groups.push_back(std::move(g));
  }
  groups_ = std::move(groups);
  members_ = std::move(members);
  stats_.buffer_high_water = 0;
}

void MulticastHub::begin_job(std::uint32_t core, std::uint32_t stripe) {
  if (core >= members_.size() || members_[core].group < 0)
    throw std::logic_error("MulticastHub: core " + std::to_string(core) + " is in no group");
  Membership& who = members_[core];
  if (!groups_[who.group].stripes[who.member].count(stripe))
    throw std::logic_error("MulticastHub: core " + std::to_string(core) + " has no job in stripe " +
                           std::to_string(stripe));
  who.stripe = stripe;
  who.active = true;
  who.next.clear();
  for (const Extent& e : groups_[who.group].stripes[who.member].at(stripe).streams)
    who.next.emplace_back(e.reads, e.base);
}

bool MulticastHub::locate(const Membership& who, std::uint64_t a, std::uint64_t length, std::size_t& stream,
                          std::uint32_t& pass) const {
  if (who.group < 0 || !who.active) return false;
  const auto& streams = groups_[who.group].stripes[who.member].at(who.stripe).streams;
  for (stream = 0; stream < streams.size(); ++stream) {
    if (!streams[stream].contains(a) || streams[stream].burst_at(a, max_burst_) != length) continue;
    for (pass = 0; pass < streams[stream].reads; ++pass)
      if (who.next[stream][pass] == a) return true;
  }
  return false;
}

bool MulticastHub::serves(std::uint32_t core, std::uint64_t address, std::uint64_t length) const {
  std::size_t stream = 0;
  std::uint32_t pass = 0;
  return core < members_.size() && locate(members_[core], address, length, stream, pass);
}

void MulticastHub::read(std::uint32_t core, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  sc_core::wait(delay);  // synchronise, as the network interface does
  delay = sc_core::SC_ZERO_TIME;
  const std::uint64_t a = trans.get_address();
  std::size_t stream = 0;
  std::uint32_t pass = 0;
  if (!trans.is_read() || core >= members_.size() || !locate(members_[core], a, trans.get_data_length(), stream, pass)) {
    ++stats_.errors;  // not the next burst of one of the job's streams
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  Membership& who = members_[core];
  Group& g = groups_[who.group];
  who.next[stream][pass] += trans.get_data_length();
  const Key key{who.stripe, a, pass};
  for (;;) {
    auto it = g.rounds.find(key);
    if (it != g.rounds.end()) {  // issued by another member: wait for the copy
      Round& r = *it->second;
      if (!r.wants[who.member]) {
        ++stats_.errors;  // read twice in one stripe: not a stream this hub can combine
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
      }
      if (!r.delivered) sc_core::wait(r.arrived);
      consume(g, key, who.member, trans);
      return;
    }
    // A new round: its subscribers are the stripe's members whose streams contain the burst.
    auto r = std::make_unique<Round>();
    r->wants.assign(g.cores.size(), 0);
    for (std::uint32_t m = 0; m < g.cores.size(); ++m) {
      const auto s = g.stripes[m].find(who.stripe);
      const Extent* x = s == g.stripes[m].end() ? nullptr : s->second.find(a);
      const std::uint64_t len = x && x->reads > key.occurrence ? x->burst_at(a, max_burst_) : 0;
      if (!len) continue;
      r->wants[m] = 1;
      ++r->pending;
      r->length = std::max(r->length, len);
    }
    if (g.in_flight > 0 && g.in_flight + r->length > g.buffer_bytes) {
      ++stats_.waits_for_buffer;  // the receive buffers are full: wait for the oldest rounds
      sc_core::wait(*g.freed);
      continue;  // someone may have issued it meanwhile
    }
    Round& round = *r;
    g.rounds.emplace(key, std::move(r));
    g.in_flight += round.length;
    stats_.buffer_high_water = std::max(stats_.buffer_high_water, g.in_flight);
    issue(g, round, g.nodes[who.member], a);
    consume(g, key, who.member, trans);
    return;
  }
}

void MulticastHub::issue(Group& g, Round& r, std::uint32_t requester_node, std::uint64_t a) {
  std::uint32_t node = 0;
  std::uint64_t offset = 0;
  const auto m = fabric_.decode(a, node, offset)
                     ? std::find(controller_nodes_.begin(), controller_nodes_.end(), node) -
                           controller_nodes_.begin()
                     : static_cast<std::ptrdiff_t>(controller_nodes_.size());
  if (m == static_cast<std::ptrdiff_t>(controller_nodes_.size()) || offset + r.length > controller_bytes_) {
    r.error = true;
    r.delivered = true;
    r.arrived.notify();
    return;
  }
  fabric_.transfer(requester_node, node, 1, 0);  // the read request, one header flit
  r.data.assign(r.length, 0);
  tlm::tlm_generic_payload t;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(offset);
  t.set_data_ptr(r.data.data());
  t.set_data_length(static_cast<unsigned>(r.length));
  t.set_streaming_width(static_cast<unsigned>(r.length));
  t.set_byte_enable_ptr(nullptr);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  (*sockets_[static_cast<std::size_t>(m)])->b_transport(t, d);
  sc_core::wait(d);
  r.error = t.is_response_error();
  if (!functional_) r.data.clear();
  ++stats_.rounds;
  stats_.dram_bytes += r.length;
  std::vector<std::uint32_t> dsts;
  for (std::uint32_t j = 0; j < g.cores.size(); ++j)
    if (r.wants[j]) dsts.push_back(g.nodes[j]);
  const std::uint32_t fb = fabric_.config().flit_bytes();
  multicast(node, dsts, 1 + static_cast<std::uint32_t>((r.length + fb - 1) / fb));
  r.delivered = true;
  r.arrived.notify();
}

void MulticastHub::consume(Group& g, const Key& key, std::uint32_t member, tlm::tlm_generic_payload& trans) {
  auto it = g.rounds.find(key);
  Round& r = *it->second;
  r.wants[member] = 0;
  --r.pending;
  if (r.error) {
    ++stats_.errors;
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  } else {
    if (!r.data.empty() && trans.get_data_ptr())
      std::memcpy(trans.get_data_ptr(), r.data.data(), trans.get_data_length());
    ++stats_.copies;
    stats_.delivered_bytes += trans.get_data_length();
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  if (r.pending == 0) {
    g.in_flight -= r.length;
    g.rounds.erase(it);
    g.freed->notify();
  }
}

void MulticastHub::multicast(std::uint32_t src, const std::vector<std::uint32_t>& dsts,
                             std::uint32_t flits) {
  if (dsts.size() == 1)
    fabric_.transfer(src, dsts[0], flits, 1);
  else
    fabric_.multicast(src, dsts, flits, 1);  // one packet, a copy to every subscriber
}

}  // namespace star
