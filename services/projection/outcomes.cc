#include "services/projection/outcomes.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "services/projection/keys.h"
#include "services/projection/measures.h"

namespace casework::projection::outcomes {
namespace {

// One closed clock (or event) in the counters of `officer` and `code`, on
// the day it closed: met, missed or excluded.
void Count(Batch& batch, const std::string& officer, const std::string& code,
           const v1::Date& closed, size_t slot, int64_t n = 1) {
  MonthOutcomes& days = batch.outcome_deltas()[keys::Outcomes(
      officer, keys::MonthIndex(closed), code)];
  days[static_cast<size_t>(closed.day())][slot] += n;
}

void AddTotals(absl::string_view v, Counts* c) {
  const auto totals = MonthTotals<3>(v);
  c->met += totals[0];
  c->missed += totals[1];
  c->excluded += totals[2];
}

}  // namespace

void Apply(Batch& batch, const StreamDelta& delta) {
  for (const ClosedClock& closed : delta.closed) {
    const v1::ClockChange& c = *closed.change;
    const size_t slot = c.exception() ? 2 : c.action() == v1::CLOCK_MET ? 0 : 1;
    auto count = [&](const std::string& code) {
      Count(batch, closed.officer, code, c.closed_on(), slot);
      if (c.action() != v1::CLOCK_MISSED || c.exception()) return;
      // The case behind the figure, for the exception report.
      v1::ExceptionItem x;
      x.set_officer_id(closed.officer);
      x.set_child_id(delta.child_id);
      x.set_source(delta.source);
      x.set_stream_id(delta.stream_id);
      x.set_clock_id(c.clock_id());
      x.set_rule(c.rule());
      *x.mutable_started_on() = c.started_on();
      *x.mutable_due_on() = c.due_on();
      *x.mutable_closed_on() = c.closed_on();
      x.set_days_late(c.days_late());
      batch.Put(keys::Missed(closed.officer, code, c.closed_on(), delta.source,
                             delta.stream_id, c.clock_id()),
                x.SerializeAsString());
    };
    for (const std::string& code : ClockMeasureCodes(c.rule())) count(code);
    if (CountsByAdviser(c.rule())) {
      count(AdviserMeasure(c.measure_subtype()));
    }
  }
  // Counters, and the case behind each count (a rate measure's cases).
  auto counted = [&](const std::string& counter, int64_t n,
                     const v1::Date& on) {
    Count(batch, delta.officer, counter, on, 0, n);
    batch.Put(keys::Counted(delta.officer, counter, on, delta.source,
                            delta.stream_id, delta.entry.position()),
              absl::StrCat(n, std::string(1, '\0'), delta.child_id));
  };
  if (delta.counter != nullptr) {
    counted(delta.counter, 1, delta.entry.occurred_on());
  }
  for (const TallyCount& t : delta.tallies) counted(t.counter, t.count, t.on);
}

absl::Status Sum(rocksdb::DB* db, const std::string& officer, Date from,
                 Date to, CountsByCode* counts) {
  const std::string base = keys::OutcomesPrefix(officer);
  const int first = keys::MonthIndex(from), last = keys::MonthIndex(to);
  const bool to_is_month_end = to.AddDays(1).month() != to.month();
  Scan it(db, base + keys::MonthKey(last + 1));
  MonthOutcomes days;
  for (it->Seek(base + keys::MonthKey(first)); it->Valid(); it->Next()) {
    const absl::string_view rest = View(it->key()).substr(base.size());
    const size_t nul = rest.find('\0');
    int32_t yyyymm = 0;
    if (nul == absl::string_view::npos ||
        !absl::SimpleAtoi(rest.substr(0, nul), &yyyymm)) {
      continue;
    }
    const int month = (yyyymm / 100) * 12 + yyyymm % 100 - 1;
    const absl::string_view code = rest.substr(nul + 1);
    auto found = counts->find(code);
    if (found == counts->end()) {
      found = counts->emplace(std::string(code), Counts()).first;
    }
    Counts& c = found->second;
    const absl::string_view value = View(it->value());
    const int lo = month == first ? from.day() : 1;
    const bool to_end = month != last || to_is_month_end;
    if (lo == 1 && to_end) {
      AddTotals(value, &c);
      continue;
    }
    if (!DecodeDays(value, &days)) {
      return absl::DataLossError(
          absl::StrCat("corrupt outcome counters of ", officer));
    }
    const int hi = to_end ? 31 : to.day();
    for (int day = lo; day <= hi; ++day) {
      const auto& d = days[static_cast<size_t>(day)];
      c.met += d[0];
      c.missed += d[1];
      c.excluded += d[2];
    }
  }
  return FromRocks(it->status(), "read outcomes");
}

absl::StatusOr<Counts> Month(rocksdb::DB* db, const std::string& officer,
                             int month, const std::string& code) {
  std::string v;
  Counts c;
  rocksdb::Status s =
      db->Get(QueryReadOptions(), keys::Outcomes(officer, month, code), &v);
  if (s.IsNotFound()) return c;
  RETURN_IF_ERROR(FromRocks(s, "read outcomes"));
  AddTotals(v, &c);
  return c;
}

absl::Status Missed(rocksdb::DB* db, const std::string& officer,
                    const std::string& measure, Date from, Date to,
                    std::vector<v1::ExceptionItem>* out) {
  const std::string prefix = keys::MissedPrefix(officer, measure);
  const std::string lo = absl::StrCat(from.ToYyyymmdd());
  const std::string hi = absl::StrCat(to.ToYyyymmdd());
  PrefixScan it(db, prefix);
  for (it->Seek(prefix + lo); it->Valid(); it->Next()) {
    absl::string_view day = View(it->key()).substr(prefix.size(), 8);
    if (day > hi) break;
    v1::ExceptionItem x;
    if (x.ParseFromArray(it->value().data(),
                         static_cast<int>(it->value().size()))) {
      out->push_back(std::move(x));
    }
  }
  return FromRocks(it->status(), "read exceptions");
}

absl::Status CountedCases(rocksdb::DB* db, const std::string& officer,
                          const std::string& counter, Date from, Date to,
                          const std::function<void(const CountedCase&)>& add) {
  const std::string prefix = keys::CountedPrefix(officer, counter);
  const std::string lo = absl::StrCat(from.ToYyyymmdd());
  const std::string hi = absl::StrCat(to.ToYyyymmdd());
  PrefixScan it(db, prefix);
  for (it->Seek(prefix + lo); it->Valid(); it->Next()) {
    // <yyyymmdd>\0<source>\0<stream>\0<position BE64>
    const absl::string_view rest = View(it->key()).substr(prefix.size());
    if (rest.size() < 9 || rest.substr(0, 8) > hi) break;
    const size_t source_end = rest.find('\0', 9);
    const size_t stream_end = source_end == absl::string_view::npos
                                  ? absl::string_view::npos
                                  : rest.find('\0', source_end + 1);
    const absl::string_view value = View(it->value());
    const size_t nul = value.find('\0');
    CountedCase c;
    int64_t yyyymmdd = 0;
    absl::StatusOr<Date> day = absl::InvalidArgumentError("no date");
    if (absl::SimpleAtoi(rest.substr(0, 8), &yyyymmdd)) {
      day = Date::FromYyyymmdd(yyyymmdd);
    }
    if (stream_end == absl::string_view::npos ||
        nul == absl::string_view::npos ||
        !absl::SimpleAtoi(value.substr(0, nul), &c.count) || !day.ok()) {
      return absl::DataLossError(
          absl::StrCat("corrupt counted case of ", officer, " ", counter));
    }
    c.on = *day;
    c.source = std::string(rest.substr(9, source_end - 9));
    c.stream =
        std::string(rest.substr(source_end + 1, stream_end - source_end - 1));
    c.child = std::string(value.substr(nul + 1));
    add(c);
  }
  return FromRocks(it->status(), "read counted cases");
}

}  // namespace casework::projection::outcomes
