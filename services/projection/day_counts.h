// Counts of one month by day of the month, as the outcome counters (Q keys:
// met, missed, excluded) and the holding histories (H keys: open, overdue,
// active plans, backlog, caseload changes) store them.
//
// Stored: the month's totals (N signed 8-byte big-endian numbers), so whole
// months are summed without decoding; then each day with a count, in order:
// the day (1 byte) and its N counts (zigzag varints).
#ifndef CASEWORK_SERVICES_PROJECTION_DAY_COUNTS_H_
#define CASEWORK_SERVICES_PROJECTION_DAY_COUNTS_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "libs/core/codec.h"

namespace casework::projection {

// Index 1-31 (0 unused), N counts per day.
template <size_t N>
using DayCounts = std::array<std::array<int64_t, N>, 32>;

// An officer's outcomes of one measure in a month: met, missed, excluded.
using MonthOutcomes = DayCounts<3>;

// An officer's holding changes in a month, by the day they take effect.
constexpr size_t kHeldSlots = 5;
enum HeldSlot : size_t { kOpen, kOverdue, kActive, kBacklog, kCaseload };
using MonthHolding = DayCounts<kHeldSlots>;
using Holding = std::array<int64_t, kHeldSlots>;

template <size_t N>
std::string EncodeDays(const DayCounts<N>& days) {
  std::array<int64_t, N> total{};
  std::string tail;
  for (size_t day = 1; day < days.size(); ++day) {
    const auto& c = days[day];
    if (std::all_of(c.begin(), c.end(), [](int64_t n) { return n == 0; })) {
      continue;
    }
    tail.push_back(static_cast<char>(day));
    for (size_t i = 0; i < N; ++i) {
      total[i] += c[i];
      codec::PutZigzag(c[i], &tail);
    }
  }
  std::string out;
  out.reserve(8 * N + tail.size());
  for (int64_t t : total) codec::PutBigEndian64(static_cast<uint64_t>(t), &out);
  out += tail;
  return out;
}

template <size_t N>
bool DecodeDays(absl::string_view v, DayCounts<N>* days) {
  *days = DayCounts<N>{};
  if (v.size() < 8 * N) return false;
  v.remove_prefix(8 * N);
  while (!v.empty()) {
    const auto day = static_cast<uint8_t>(v.front());
    v.remove_prefix(1);
    if (day < 1 || day > 31) return false;
    for (size_t i = 0; i < N; ++i) {
      if (!codec::GetZigzag(&v, &(*days)[day][i])) return false;
    }
  }
  return true;
}

// The month totals at the start of a stored month.
template <size_t N>
std::array<int64_t, N> MonthTotals(absl::string_view v) {
  std::array<int64_t, N> out{};
  if (v.size() < 8 * N) return out;
  for (size_t i = 0; i < N; ++i) {
    out[i] = static_cast<int64_t>(codec::ReadBigEndian64(v.substr(i * 8, 8)));
  }
  return out;
}

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_DAY_COUNTS_H_
