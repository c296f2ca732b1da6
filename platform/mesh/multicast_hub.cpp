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
  std::vector<char> wants;    // [member]: a subscriber that has not read past the round yet
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
          ms.streams.push_back(Extent{job.k_addr, keys * row, tile * row, 1, false});
          ms.streams.push_back(Extent{job.v_addr, keys * row, tile * row, 1, false});
        } else {
          ms.streams.push_back(Extent{job.x_addr, keys * job.d_model, tile * job.d_model, 2, true});
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
  // Stripe `stripe` starts once every job of the earlier ones is done: forget their requests.
  Group& g = groups_[who.group];
  g.requested.erase(g.requested.begin(), g.requested.lower_bound(Key{stripe, 0, 0}));
  who.stripe = stripe;
  who.active = true;
  who.next.clear();
  for (const Extent& e : groups_[who.group].stripes[who.member].at(stripe).streams)
    who.next.emplace_back(e.reads, e.base);
}

bool MulticastHub::locate(const Membership& who, std::uint64_t a, std::uint64_t length, std::size_t& stream,
                          std::uint32_t& pass) const {
  if (who.group < 0 || !who.active || length == 0) return false;
  const auto& streams = groups_[who.group].stripes[who.member].at(who.stripe).streams;
  for (stream = 0; stream < streams.size(); ++stream) {
    const Extent& x = streams[stream];
    if (!x.contains(a) || length > x.end() - a) continue;
    if (x.tile_bursts && x.burst_at(a, max_burst_) != length) continue;
    for (pass = 0; pass < x.reads; ++pass)
      if (who.next[stream][pass] == a) return true;
  }
  return false;
}

bool MulticastHub::serves(std::uint32_t core, std::uint64_t address, std::uint64_t length) const {
  std::size_t stream = 0;
  std::uint32_t pass = 0;
  return core < members_.size() && locate(members_[core], address, length, stream, pass);
}

std::map<MulticastHub::Key, std::unique_ptr<MulticastHub::Round>>::iterator MulticastHub::covering(
    Group& g, std::uint32_t stripe, std::uint32_t pass, std::uint64_t a) {
  auto it = g.rounds.upper_bound(Key{stripe, pass, a});
  if (it == g.rounds.begin()) return g.rounds.end();
  --it;
  const Key& k = it->first;
  return k.stripe == stripe && k.occurrence == pass && a - k.address < it->second->length ? it : g.rounds.end();
}

void MulticastHub::read(std::uint32_t core, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  sc_core::wait(delay);  // synchronise, as the network interface does
  delay = sc_core::SC_ZERO_TIME;
  const std::uint64_t a = trans.get_address(), len = trans.get_data_length(), end = a + len;
  std::size_t stream = 0;
  std::uint32_t pass = 0;
  if (!trans.is_read() || core >= members_.size() || !locate(members_[core], a, len, stream, pass)) {
    ++stats_.errors;  // not the next read of one of the job's streams
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  Membership& who = members_[core];
  Group& g = groups_[who.group];
  const std::uint32_t stripe = who.stripe;
  const Extent x = g.stripes[who.member].at(stripe).streams[stream];
  who.next[stream][pass] = end;
  unsigned char* dst = trans.get_data_ptr();
  bool error = false;
  for (std::uint64_t pos = a; pos < end;) {
    auto it = covering(g, stripe, pass, pos);
    if (it == g.rounds.end()) {
      // Bytes nobody requested yet: they start where the group's requests of this stream end.
      std::uint64_t& requested = g.requested.emplace(Key{stripe, pass, x.base}, x.base).first->second;
      if (pos != requested) {  // consumed by everyone already: read twice in one stripe
        error = true;
        break;
      }
      // A new round [pos, end): its subscribers are the stripe's members whose streams hold pos.
      auto r = std::make_unique<Round>();
      r->length = end - pos;
      r->wants.assign(g.cores.size(), 0);
      for (std::uint32_t m = 0; m < g.cores.size(); ++m) {
        const auto s = g.stripes[m].find(stripe);
        const Extent* e = s == g.stripes[m].end() ? nullptr : s->second.find(pos);
        if (!e || e->reads <= pass) continue;
        r->wants[m] = 1;
        ++r->pending;
      }
      if (g.in_flight > 0 && g.in_flight + r->length > g.buffer_bytes) {
        ++stats_.waits_for_buffer;  // the receive buffers are full: wait for the oldest rounds
        sc_core::wait(*g.freed);
        continue;  // someone may have requested these bytes meanwhile
      }
      requested = end;
      Round& round = *r;
      it = g.rounds.emplace(Key{stripe, pass, pos}, std::move(r)).first;
      g.in_flight += round.length;
      stats_.buffer_high_water = std::max(stats_.buffer_high_water, g.in_flight);
      issue(g, round, g.nodes[who.member], pos);  // waits for DRAM and the multicast
    }
    Round& r = *it->second;
    const std::uint64_t r0 = it->first.address, r1 = r0 + r.length;
    if (!r.wants[who.member]) {  // read past it already: not a stream this hub can combine
      error = true;
      break;
    }
    if (!r.delivered) sc_core::wait(r.arrived);  // a subscriber's round is not erased meanwhile
    const std::uint64_t upto = std::min(end, r1);
    if (r.error)
      error = true;
    else if (dst && !r.data.empty())
      std::memcpy(dst + (pos - a), r.data.data() + (pos - r0), upto - pos);
    pos = upto;
    if (pos >= std::min(r1, x.end())) release(g, it, who.member);  // done with this round
  }
  if (error) {
    ++stats_.errors;
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  ++stats_.copies;
  stats_.delivered_bytes += len;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
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
  if (functional_) r.data.assign(r.length, 0);  // performance mode: the memory leaves the payload alone
  tlm::tlm_generic_payload t;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(offset);
  t.set_data_ptr(functional_ ? r.data.data() : nullptr);
  t.set_data_length(static_cast<unsigned>(r.length));
  t.set_streaming_width(static_cast<unsigned>(r.length));
  t.set_byte_enable_ptr(nullptr);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  (*sockets_[static_cast<std::size_t>(m)])->b_transport(t, d);
  sc_core::wait(d);
  r.error = t.is_response_error();
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

void MulticastHub::release(Group& g, std::map<Key, std::unique_ptr<Round>>::iterator it, std::uint32_t member) {
  Round& r = *it->second;
  r.wants[member] = 0;
  if (--r.pending > 0) return;
  g.in_flight -= r.length;
  g.rounds.erase(it);
  g.freed->notify();
}

void MulticastHub::multicast(std::uint32_t src, const std::vector<std::uint32_t>& dsts,
                             std::uint32_t flits) {
  if (dsts.size() == 1)
    fabric_.transfer(src, dsts[0], flits, 1);
  else
    fabric_.multicast(src, dsts, flits, 1);  // one packet, a copy to every subscriber
}

}  // namespace star
