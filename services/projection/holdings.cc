#include "services/projection/holdings.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "casework/internal/projection_store.pb.h"
#include "libs/core/status.h"
#include "libs/statutory/rules.h"
#include "services/projection/keys.h"
#include "services/projection/measures.h"

namespace casework::projection::holdings {
namespace {

// The changes of `officer`'s holding on day `on`.
Holding& Changes(Batch& batch, const std::string& officer, Date on) {
  MonthHolding& days =
      batch.held_deltas()[keys::Holding(officer, keys::MonthIndex(on))];
  return days[static_cast<size_t>(on.day())];
}

// Changes `officer`'s holding of an open clock taken on `taken` by `sign`
// from `on` (the take-on day, or the day it is let go).
void HoldClock(Batch& batch, const ClockHolding& h) {
  const bool review = h.rule != nullptr && IsReviewDue(h.rule->code);
  Holding& held = Changes(batch, h.officer, h.on);
  held[kOpen] += h.sign;
  if (review) held[kActive] += h.sign;
  // Overdue from the day after it is due; let go before that, it never was
  // (the change then lands on that day and cancels the take-on's).
  const bool can_be_late = h.rule == nullptr || !h.rule->minimum_period;
  if (!can_be_late && !review) return;
  const Date from = std::max(h.on, std::max(h.taken, OverdueFrom(h.due)));
  Holding& late = Changes(batch, h.officer, from);
  if (can_be_late) late[kOverdue] += h.sign;
  if (review) late[kBacklog] += h.sign;
}

// Adds `sign` times the change days of the union of `holding`'s intervals
// (+1 where a run of held days starts, -1 where it ends) to `changes`.
void UnionChanges(const internal::CaseHolding& holding, int sign,
                  std::map<int32_t, int>* changes) {
  constexpr int32_t kOpenEnd = 99999999;
  std::vector<std::pair<int32_t, int32_t>> spans;
  for (const auto& i : holding.intervals()) {
    spans.emplace_back(i.start(), i.end() == 0 ? kOpenEnd : i.end());
  }
  std::sort(spans.begin(), spans.end());
  for (size_t i = 0; i < spans.size();) {
    const int32_t start = spans[i].first;
    int32_t end = spans[i].second;
    for (++i; i < spans.size() && spans[i].first <= end; ++i) {
      end = std::max(end, spans[i].second);
    }
    (*changes)[start] += sign;
    if (end != kOpenEnd) (*changes)[end] -= sign;
  }
}

// The officer starts (`held`) or stops holding a stream of a child on `on`:
// the caseload changes are the union's change days after this less those
// before.
absl::Status ChangeCase(Writer& writer, const std::string& officer,
                        const std::string& child, const std::string& stream,
                        bool held, Date on) {
  const std::string key = keys::Case(officer, child);
  internal::CaseHolding holding;
  RETURN_IF_ERROR(writer.GetProto(key, &holding, "caseload"));
  std::map<int32_t, int> changes;  // day -> change in the caseload
  UnionChanges(holding, -1, &changes);
  const int32_t day = on.ToYyyymmdd();
  auto* intervals = holding.mutable_intervals();
  if (held) {
    internal::CaseHolding::Interval* added = intervals->Add();
    added->set_stream(stream);
    added->set_start(day);
  } else {
    for (int i = 0; i < intervals->size(); ++i) {
      internal::CaseHolding::Interval* open = intervals->Mutable(i);
      if (open->stream() != stream || open->end() != 0) continue;
      if (day <= open->start()) {
        // Let go on or before the day taken on: never held.
        intervals->DeleteSubrange(i, 1);
      } else {
        open->set_end(day);
      }
      break;
    }
  }
  UnionChanges(holding, +1, &changes);
  for (const auto& [yyyymmdd, change] : changes) {
    if (change == 0) continue;
    absl::StatusOr<Date> d = Date::FromYyyymmdd(yyyymmdd);
    if (d.ok()) Changes(writer.batch(), officer, *d)[kCaseload] += change;
  }
  writer.batch().Set(key, holding.SerializeAsString());
  return absl::OkStatus();
}

}  // namespace

absl::Status Apply(Writer& writer, const StreamDelta& delta) {
  for (const ClockHolding& h : delta.holdings) HoldClock(writer.batch(), h);
  if (delta.cases.empty()) return absl::OkStatus();
  const std::string stream = keys::Stream(delta.source, delta.stream_id);
  for (const projection::CaseChange& c : delta.cases) {
    RETURN_IF_ERROR(
        ChangeCase(writer, c.officer, delta.child_id, stream, c.held, c.on));
  }
  return absl::OkStatus();
}

absl::StatusOr<Holding> On(rocksdb::DB* db, const std::string& officer,
                           Date on) {
  Holding held{};
  const std::string prefix = keys::HoldingPrefix(officer);
  const int month = keys::MonthIndex(on);
  const std::string on_month = keys::MonthKey(month);
  Scan it(db, prefix + keys::MonthKey(month + 1));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const absl::string_view v = View(it->value());
    if (View(it->key()).substr(prefix.size()) != on_month) {
      const auto totals = MonthTotals<kHeldSlots>(v);
      for (size_t i = 0; i < kHeldSlots; ++i) held[i] += totals[i];
      continue;
    }
    MonthHolding days;
    if (!DecodeDays(v, &days)) {
      return absl::DataLossError(
          absl::StrCat("corrupt holding history of ", officer));
    }
    for (int day = 1; day <= on.day(); ++day) {
      for (size_t i = 0; i < kHeldSlots; ++i) {
        held[i] += days[static_cast<size_t>(day)][i];
      }
    }
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read holding histories"));
  return held;
}

absl::Status MonthEnds(rocksdb::DB* db, const std::string& officer, int first,
                       int last, std::vector<Holding>* out) {
  out->assign(static_cast<size_t>(last - first + 1), {});
  const std::string prefix = keys::HoldingPrefix(officer);
  Holding running{};
  std::vector<Holding> changes(out->size());
  Scan it(db, prefix + keys::MonthKey(last + 1));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    int32_t yyyymm = 0;
    if (!absl::SimpleAtoi(View(it->key()).substr(prefix.size()), &yyyymm)) {
      continue;
    }
    const int month = (yyyymm / 100) * 12 + yyyymm % 100 - 1;
    const auto totals = MonthTotals<kHeldSlots>(View(it->value()));
    auto& into =
        month < first ? running : changes[static_cast<size_t>(month - first)];
    for (size_t i = 0; i < kHeldSlots; ++i) into[i] += totals[i];
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read holding histories"));
  for (size_t m = 0; m < out->size(); ++m) {
    for (size_t i = 0; i < kHeldSlots; ++i) {
      running[i] += changes[m][i];
      (*out)[m][i] = running[i];
    }
  }
  return absl::OkStatus();
}

}  // namespace casework::projection::holdings
