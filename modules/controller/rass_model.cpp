#include "controller/rass_model.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace star {
namespace {

// Rows of a tile are absolute key indices. They are mapped to dense local slots so the ID buffer
// and the LRU list are flat arrays: directly (row - first) when the rows span a small range, which
// is the normal case (a tile spans B_c keys), otherwise through the sorted distinct rows.
class LocalRows {
 public:
  LocalRows(const std::vector<const RowSelection*>& sel, std::uint32_t tile, std::uint64_t total) {
    std::uint32_t lo = UINT32_MAX, hi = 0;
    for (const RowSelection* s : sel) {
      const std::uint32_t* p = s->tile_begin(tile);
      for (std::size_t i = 0, n = s->tile_size(tile); i < n; ++i) {
        lo = std::min(lo, p[i]);
        hi = std::max(hi, p[i]);
      }
    }
    first_ = lo;
    const std::uint64_t span = std::uint64_t{hi} - lo + 1;
    if (span <= std::max<std::uint64_t>(4096, 4 * total)) {
      slots_ = static_cast<std::uint32_t>(span);
      return;
    }
    for (const RowSelection* s : sel)
      distinct_.insert(distinct_.end(), s->tile_begin(tile),
                       s->tile_begin(tile) + s->tile_size(tile));
    std::sort(distinct_.begin(), distinct_.end());
    distinct_.erase(std::unique(distinct_.begin(), distinct_.end()), distinct_.end());
    slots_ = static_cast<std::uint32_t>(distinct_.size());
  }
  std::uint32_t slots() const { return slots_; }
  std::uint32_t slot(std::uint32_t row) const {
    if (distinct_.empty()) return row - first_;
    return static_cast<std::uint32_t>(std::lower_bound(distinct_.begin(), distinct_.end(), row) -
                                      distinct_.begin());
  }
  std::uint32_t row(std::uint32_t slot) const {
    return distinct_.empty() ? first_ + slot : distinct_[slot];
  }

 private:
  std::uint32_t first_ = 0;
  std::uint32_t slots_ = 0;
  std::vector<std::uint32_t> distinct_;
};

// The vanilla gather's K/V buffer: LRU over local slots, kept as an intrusive doubly linked list in
// flat arrays so each access is O(1).
std::uint64_t vanilla_lru_loads(const std::vector<const RowSelection*>& sel, std::uint32_t tile,
                                const LocalRows& local, std::uint32_t capacity) {
  constexpr std::uint32_t kNone = UINT32_MAX;
  const std::uint32_t n = local.slots();
  std::vector<std::uint32_t> prev(n, kNone), next(n, kNone);
  std::vector<char> resident(n, 0);
  std::uint32_t head = kNone, tail = kNone, size = 0;
  std::uint64_t loads = 0;
  auto unlink = [&](std::uint32_t s) {
    (prev[s] == kNone ? head : next[prev[s]]) = next[s];
    (next[s] == kNone ? tail : prev[next[s]]) = prev[s];
  };
  auto push_front = [&](std::uint32_t s) {
    prev[s] = kNone;
    next[s] = head;
    (head == kNone ? tail : prev[head]) = s;
    head = s;
  };
  std::vector<std::uint32_t> rows;
  for (const RowSelection* s : sel) {
    rows.assign(s->tile_begin(tile), s->tile_begin(tile) + s->tile_size(tile));
    // The gather goes in ascending order. SADS stores the top-1 and top-2 first and the rest
    // ascending: sifting those two into place is linear; anything else gets a full sort.
    const std::size_t head = std::min<std::size_t>(2, rows.size());
    if (std::is_sorted(rows.begin() + head, rows.end())) {
      for (std::size_t i = head; i-- > 0;)
        for (std::size_t j = i; j + 1 < rows.size() && rows[j] > rows[j + 1]; ++j)
          std::swap(rows[j], rows[j + 1]);
    } else {
      std::sort(rows.begin(), rows.end());
    }
    for (std::uint32_t r : rows) {
      const std::uint32_t slot = local.slot(r);
      if (resident[slot]) {
        unlink(slot);
      } else {
        ++loads;
        if (size == capacity) {
          const std::uint32_t victim = tail;
          unlink(victim);
          resident[victim] = 0;
          --size;
        }
        resident[slot] = 1;
        ++size;
      }
      push_front(slot);
    }
  }
  return loads;
}

}  // namespace

RassPlan rass_plan(const std::vector<const RowSelection*>& selections, std::uint32_t tile,
                   std::uint32_t kv_buffer_rows) {
  RassPlan plan;
  for (std::size_t q = 0; q < selections.size(); ++q) {
    const RowSelection* s = selections[q];
    if (s == nullptr)
      throw std::invalid_argument("rass_plan: selection of query " + std::to_string(q) +
                                  " is null");
    if (s->tile_start.empty() || tile >= s->n_tiles() || s->tile_start[tile + 1] > s->keys.size() ||
        s->tile_start[tile] > s->tile_start[tile + 1])
      throw std::invalid_argument("rass_plan: query " + std::to_string(q) + " has no tile " +
                                  std::to_string(tile) + " (it has " +
                                  std::to_string(s->tile_start.empty() ? 0 : s->n_tiles()) +
                                  " tiles, or malformed tile_start)");
    plan.selected += s->tile_size(tile);
  }
  if (plan.selected == 0) return plan;

  // ID buffer: per local row, how many queries want it (the popcount of its query bitmask, built
  // incrementally) and the last query that set it (to reject a row selected twice by one query).
  const LocalRows local(selections, tile, plan.selected);
  std::vector<std::uint32_t> sharers(local.slots(), 0), last_query(local.slots(), UINT32_MAX);
  for (std::uint32_t q = 0; q < selections.size(); ++q) {
    const RowSelection& s = *selections[q];
    const std::uint32_t* p = s.tile_begin(tile);
    for (std::size_t i = 0, n = s.tile_size(tile); i < n; ++i) {
      const std::uint32_t slot = local.slot(p[i]);
      if (last_query[slot] == q)
        throw std::invalid_argument("rass_plan: query " + std::to_string(q) + " selects row " +
                                    std::to_string(p[i]) + " twice in tile " +
                                    std::to_string(tile));
      last_query[slot] = q;
      ++sharers[slot];
    }
  }
  plan.ops.adds += plan.selected;

  // Issue FIFO: a stable counting sort on the sharer count, most shared first; scanning slots in
  // ascending row order inside each bucket gives the lower-index-first tie-break.
  const std::uint32_t max_share = static_cast<std::uint32_t>(selections.size());
  std::vector<std::uint32_t> offset(max_share + 2, 0);
  std::uint64_t union_rows = 0;
  for (std::uint32_t c : sharers)
    if (c) {
      ++offset[max_share - c + 1];
      ++union_rows;
    }
  for (std::uint32_t b = 1; b <= max_share + 1; ++b) offset[b] += offset[b - 1];
  plan.order.resize(union_rows);
  plan.sharers.resize(union_rows);
  for (std::uint32_t slot = 0; slot < local.slots(); ++slot) {
    const std::uint32_t c = sharers[slot];
    if (!c) continue;
    const std::uint32_t at = offset[max_share - c]++;
    plan.order[at] = local.row(slot);
    plan.sharers[at] = c;
  }
  plan.ops.compares += union_rows;
  plan.ops.adds += union_rows;

  plan.loads_with_rass = union_rows;
  if (kv_buffer_rows == 0)
    plan.loads_without_rass = plan.selected;
  else if (kv_buffer_rows >= union_rows)
    plan.loads_without_rass = union_rows;  // nothing is ever evicted
  else
    plan.loads_without_rass = vanilla_lru_loads(selections, tile, local, kv_buffer_rows);
  return plan;
}

}  // namespace star
