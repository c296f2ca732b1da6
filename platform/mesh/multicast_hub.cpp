#include "mesh/multicast_hub.h"

#include <sysc/kernel/sc_dynamic_processes.h>

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
    if (!g.rounds.empty()) throw std::logic_error("MulticastHub::configure: rounds still in flight");
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
        if (job.kind != JobKind::attention_only || !job.stream_kv_tiles || job.kv_heads != 1)
          throw std::invalid_argument("multicast: core " + std::to_string(c) +
                                      "'s job must be attention-only with one K/V head and "
                                      "stream_kv_tiles");
        if (!stripes.empty() && mj.stripe <= stripes.rbegin()->first)
          throw std::invalid_argument("multicast: core " + std::to_string(c) +
                                      "'s stripes must increase");
        const std::uint64_t row = std::uint64_t(job.head_dim) * 2;
        const std::uint64_t bytes = std::uint64_t(job.seq_len) * row, tile = job.tiling().tile_keys * row;
        stripes[mj.stripe] = MemberStripe{Extent{job.k_addr, bytes, tile}, Extent{job.v_addr, bytes, tile}};
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
}

const MulticastHub::Extent* MulticastHub::extent(const Membership& who, std::uint64_t a) const {
  if (who.group < 0 || !who.active) return nullptr;
  const auto& stripes = groups_[who.group].stripes[who.member];
  const auto it = stripes.find(who.stripe);
  if (it == stripes.end()) return nullptr;
  if (it->second.k.contains(a)) return &it->second.k;
  if (it->second.v.contains(a)) return &it->second.v;
  return nullptr;
}

bool MulticastHub::serves(std::uint32_t core, std::uint64_t address) const {
  return core < members_.size() && extent(members_[core], address) != nullptr;
}

void MulticastHub::read(std::uint32_t core, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  sc_core::wait(delay);  // synchronise, as the network interface does
  delay = sc_core::SC_ZERO_TIME;
  const Membership who = core < members_.size() ? members_[core] : Membership{};
  const Extent* e = extent(who, trans.get_address());
  const std::uint64_t a = trans.get_address();
  if (!e || !trans.is_read() || e->burst_at(a, max_burst_) != trans.get_data_length()) {
    ++stats_.errors;  // not one of the job's K/V bursts
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  Group& g = groups_[who.group];
  const std::pair<std::uint32_t, std::uint64_t> key{who.stripe, a};
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
      if (s == g.stripes[m].end()) continue;
      const Extent& x = s->second.k.contains(a) ? s->second.k : s->second.v;
      const std::uint64_t len = x.burst_at(a, max_burst_);
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

void MulticastHub::consume(Group& g, std::pair<std::uint32_t, std::uint64_t> key, std::uint32_t member,
                           tlm::tlm_generic_payload& trans) {
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
  if (dsts.size() == 1) {
    fabric_.transfer(src, dsts[0], flits, 1);
    return;
  }
  // One copy per destination injected at once (source replication), until the fabric offers
  // NocFabric::multicast.
  auto left = std::make_shared<std::size_t>(dsts.size());
  auto all = std::make_shared<sc_core::sc_event>();
  for (const std::uint32_t dst : dsts)
    sc_core::sc_spawn([this, src, dst, flits, left, all] {
      fabric_.transfer(src, dst, flits, 1);
      if (--*left == 0) all->notify();
    });
  sc_core::wait(*all);
}

}  // namespace star
