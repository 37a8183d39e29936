#include "services/projection/reports.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <tuple>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"
#include "services/projection/comparisons.h"
#include "services/projection/directory.h"
#include "services/projection/forecast.h"
#include "services/projection/holdings.h"
#include "services/projection/keys.h"
#include "services/projection/outcomes.h"
#include "services/projection/worklist.h"

namespace casework::projection {
namespace {

double Percent(int64_t numerator, int64_t denominator) {
  return denominator == 0 ? 0.0
                          : 100.0 * static_cast<double>(numerator) /
                                static_cast<double>(denominator);
}

v1::Rag Rate(const MeasureTarget& t, double value, int64_t denominator) {
  if (denominator == 0 && !t.lower_is_better) return v1::RAG_NO_DATA;
  if (t.lower_is_better) {
    if (value <= t.target) return v1::RAG_GREEN;
    return value <= t.target + t.amber_margin ? v1::RAG_AMBER : v1::RAG_RED;
  }
  if (value >= t.target) return v1::RAG_GREEN;
  return value >= t.target - t.amber_margin ? v1::RAG_AMBER : v1::RAG_RED;
}

// Adds an officer's figures into the team's.
void AddInto(const v1::OfficerScorecard& card, v1::OfficerScorecard* totals) {
  for (const v1::Measure& m : card.measures()) {
    v1::Measure* t = nullptr;
    for (v1::Measure& existing : *totals->mutable_measures()) {
      if (existing.code() == m.code()) t = &existing;
    }
    if (t == nullptr) {
      t = totals->add_measures();
      t->set_code(m.code());
      t->set_name(m.name());
    }
    t->set_numerator(t->numerator() + m.numerator());
    t->set_denominator(t->denominator() + m.denominator());
    t->set_excluded(t->excluded() + m.excluded());
  }
  totals->set_caseload(totals->caseload() + card.caseload());
  totals->set_open_items(totals->open_items() + card.open_items());
  totals->set_overdue_items(totals->overdue_items() + card.overdue_items());
  totals->set_active_plans(totals->active_plans() + card.active_plans());
  totals->set_review_backlog(totals->review_backlog() + card.review_backlog());
}

// INVALID_ARGUMENT naming sort_by unless it is empty or a measure of the
// totals (a typo must not sort by nothing).
absl::Status CheckSortBy(const v1::OfficerScorecard& totals,
                         const std::string& sort_by) {
  if (sort_by.empty()) return absl::OkStatus();
  for (const v1::Measure& m : totals.measures()) {
    if (m.code() == sort_by) return absl::OkStatus();
  }
  return FieldError("sort_by",
                    absl::StrCat("'", sort_by, "' is not a measure code"));
}

void Recompute(v1::OfficerScorecard* totals) {
  for (v1::Measure& m : *totals->mutable_measures()) {
    m.set_percent(Percent(m.numerator(), m.denominator()));
  }
  totals->set_review_backlog_percent(
      Percent(totals->review_backlog(), totals->active_plans()));
}

}  // namespace

absl::Status CheckMeasure(const std::string& code) {
  if (code.empty()) return FieldError("measure", "is required");
  if (IsMeasure(code)) return absl::OkStatus();
  return FieldError("measure",
                    absl::StrCat("'", absl::CHexEscape(code.substr(0, 64)),
                                 "' is not a measure code (a scorecard lists "
                                 "them, e.g. ehc.final_plan_20_weeks)"));
}

absl::StatusOr<Reports::Period> Reports::ReadPeriod(const v1::Date& from_p,
                                                    const v1::Date& to_p,
                                                    const v1::Date& as_of_p) {
  Period p;
  ASSIGN_OR_RETURN(p.from, FromProto("from", from_p));
  ASSIGN_OR_RETURN(p.to, FromProto("to", to_p));
  if (p.to < p.from) return FieldError("to", "is before from");
  ASSIGN_OR_RETURN(p.as_of, FromProtoOr("as_of", as_of_p, p.to));
  return p;
}

absl::StatusOr<std::vector<std::string>> Reports::OfficersOf(
    const std::string& officer_id, const std::string& team_id, bool la) {
  if ((officer_id.empty() ? 0 : 1) + (team_id.empty() ? 0 : 1) + (la ? 1 : 0) !=
      1) {
    return FieldError("officer_id",
                      "give exactly one of officer_id, team_id and la");
  }
  if (la) {
    std::vector<std::string> all;
    for (const auto& [officer, team] : directory::Officers(db_)) {
      all.push_back(officer);
    }
    return all;
  }
  if (!officer_id.empty()) {
    RETURN_IF_ERROR(ValidateId("officer_id", officer_id));
    return std::vector<std::string>{officer_id};
  }
  RETURN_IF_ERROR(ValidateId("team_id", team_id));
  std::vector<std::string> members = directory::TeamMembers(db_, team_id);
  if (members.empty()) {
    return absl::NotFoundError(absl::StrCat("team_id: no officers of team ",
                                            team_id, " in the directory"));
  }
  return members;
}

MeasureTarget Reports::TargetOf(const std::string& code) const {
  auto it = targets_.find(code);
  if (it != targets_.end()) return it->second;
  // Advice by adviser type: the advice target.
  if (absl::StartsWith(code, absl::StrCat(kAdviceMeasure, "."))) {
    it = targets_.find(kAdviceMeasure);
    if (it != targets_.end()) return it->second;
  }
  return MeasureTarget{};
}

void Reports::ApplyTargets(v1::OfficerScorecard* card) const {
  for (v1::Measure& m : *card->mutable_measures()) {
    for (v1::Comparison& c :
         ComparisonsOf(ComparisonsInUse(), m.code(), card->to().year())) {
      *m.add_comparisons() = std::move(c);
    }
    const MeasureTarget t = TargetOf(m.code());
    if (t.target == 0 && t.amber_margin == 0 && !t.lower_is_better) {
      continue;  // no target for this measure
    }
    m.set_target(t.target);
    m.set_lower_is_better(t.lower_is_better);
    m.set_rag(Rate(t, m.percent(), m.denominator()));
  }
}

absl::StatusOr<v1::OfficerScorecard> Reports::Scorecard(
    const std::string& officer, const Period& p) {
  v1::OfficerScorecard out;
  out.set_officer_id(officer);
  *out.mutable_from() = ToProto(p.from);
  *out.mutable_to() = ToProto(p.to);
  *out.mutable_as_of() = ToProto(p.as_of);
  outcomes::CountsByCode counts;
  RETURN_IF_ERROR(outcomes::Sum(db_, officer, p.from, p.to, &counts));
  ASSIGN_OR_RETURN(const Holding held, holdings::On(db_, officer, p.as_of));
  out.set_open_items(held[kOpen]);
  out.set_overdue_items(held[kOverdue]);
  out.set_active_plans(held[kActive]);
  out.set_review_backlog(held[kBacklog]);
  out.set_review_backlog_percent(Percent(held[kBacklog], held[kActive]));
  out.set_caseload(held[kCaseload]);

  auto add = [&](const std::string& code, const std::string& name,
                 int64_t numerator, int64_t denominator, int64_t excluded) {
    v1::Measure* m = out.add_measures();
    m->set_code(code);
    m->set_name(name);
    m->set_numerator(numerator);
    m->set_denominator(denominator);
    m->set_percent(Percent(numerator, denominator));
    m->set_excluded(excluded);
  };
  auto add_clock = [&](const std::string& code) {
    const outcomes::Counts& c = counts[code];
    add(code, MeasureName(code), c.met, c.met + c.missed, c.excluded);
  };
  for (const MeasureDef& def : Measures()) {
    switch (def.kind) {
      case MeasureKind::kClock:
        add_clock(def.code);
        if (def.by_adviser) {
          // Every kind of adviser, so officers' scorecards line up side by
          // side; then any kind this build does not know, as counted.
          const std::vector<std::string>& known = AdviceMeasures();
          for (const std::string& sub : known) add_clock(sub);
          const std::string prefix = absl::StrCat(def.code, ".");
          std::vector<std::string> others;
          for (const auto& [sub, c] : counts) {
            if (absl::StartsWith(sub, prefix) &&
                std::find(known.begin(), known.end(), sub) == known.end()) {
              others.push_back(sub);
            }
          }
          for (const std::string& sub : others) add_clock(sub);
        }
        break;
      case MeasureKind::kRate:
        add(def.code, def.label, counts[def.numerator].met,
            def.denominator == kPerCaseload     ? out.caseload()
            : def.denominator == kPerActivePlan ? out.active_plans()
                                                : counts[def.denominator].met,
            0);
        break;
      case MeasureKind::kFigure:
        add(def.code, def.label, held[kBacklog], held[kActive], 0);
        break;
    }
  }
  return out;
}

absl::StatusOr<v1::OfficerScorecard> Reports::OfficerScorecard(
    const v1::GetOfficerScorecardRequest& req) {
  QuerySnapshot snapshot(db_);
  RETURN_IF_ERROR(ValidateId("officer_id", req.officer_id()));
  ASSIGN_OR_RETURN(Period p, ReadPeriod(req.from(), req.to(), req.as_of()));
  ASSIGN_OR_RETURN(v1::OfficerScorecard out, Scorecard(req.officer_id(), p));
  ApplyTargets(&out);
  return out;
}

absl::StatusOr<v1::TeamScorecard> Reports::TeamScorecard(
    const v1::GetTeamScorecardRequest& req) {
  QuerySnapshot snapshot(db_);
  RETURN_IF_ERROR(ValidateId("team_id", req.team_id()));
  ASSIGN_OR_RETURN(Period p, ReadPeriod(req.from(), req.to(), req.as_of()));
  v1::TeamScorecard out;
  out.set_team_id(req.team_id());
  const std::optional<std::string> name =
      directory::TeamName(db_, req.team_id());
  if (name.has_value()) out.set_team_name(*name);
  const std::vector<std::string> members =
      directory::TeamMembers(db_, req.team_id());
  if (members.empty() && out.team_name().empty()) {
    return absl::NotFoundError(
        absl::StrCat("team_id: no team ", req.team_id(), " in the directory"));
  }
  v1::OfficerScorecard* totals = out.mutable_totals();
  totals->set_officer_id(req.team_id());
  *totals->mutable_from() = ToProto(p.from);
  *totals->mutable_to() = ToProto(p.to);
  *totals->mutable_as_of() = ToProto(p.as_of);
  ASSIGN_OR_RETURN(std::vector<v1::OfficerScorecard> cards,
                   Scorecards(members, p));
  for (v1::OfficerScorecard& card : cards) {
    AddInto(card, totals);
    ApplyTargets(&card);
    *out.add_officers() = std::move(card);
  }
  Recompute(totals);
  ApplyTargets(totals);
  // Sort by a measure's percentage (or the officer id).
  auto percent_of = [&](const v1::OfficerScorecard& c) {
    for (const v1::Measure& m : c.measures()) {
      if (m.code() == req.sort_by()) return m.percent();
    }
    return -1.0;
  };
  RETURN_IF_ERROR(CheckSortBy(*totals, req.sort_by()));
  std::stable_sort(
      out.mutable_officers()->begin(), out.mutable_officers()->end(),
      [&](const v1::OfficerScorecard& a, const v1::OfficerScorecard& b) {
        if (req.sort_by().empty()) {
          return req.descending() ? a.officer_id() > b.officer_id()
                                  : a.officer_id() < b.officer_id();
        }
        return req.descending() ? percent_of(a) > percent_of(b)
                                : percent_of(a) < percent_of(b);
      });
  return out;
}

absl::StatusOr<std::vector<v1::OfficerScorecard>> Reports::Scorecards(
    const std::vector<std::string>& members, const Period& p) {
  // The officers' scorecards: this thread works through them and offers a
  // helper thread the rest (bounded pool; store.h), both reading the same
  // snapshot.
  struct Shared {
    std::vector<absl::StatusOr<v1::OfficerScorecard>> cards;
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::condition_variable cv;
    size_t done = 0;
    const rocksdb::Snapshot* snapshot = nullptr;
  };
  auto shared = std::make_shared<Shared>();
  shared->cards.assign(members.size(), absl::UnknownError("not computed"));
  shared->snapshot = QuerySnapshot::Current();
  auto work = [this, shared, members, p] {
    QuerySnapshot same(shared->snapshot);
    for (size_t i = shared->next++; i < members.size(); i = shared->next++) {
      absl::StatusOr<v1::OfficerScorecard> card = Scorecard(members[i], p);
      std::lock_guard<std::mutex> lock(shared->mu);
      shared->cards[i] = std::move(card);
      if (++shared->done == members.size()) shared->cv.notify_all();
    }
  };
  if (members.size() > 1) helpers_.Offer(work);
  work();
  {
    std::unique_lock<std::mutex> lock(shared->mu);
    shared->cv.wait(lock, [&] { return shared->done == members.size(); });
  }
  std::vector<v1::OfficerScorecard> out;
  out.reserve(members.size());
  for (absl::StatusOr<v1::OfficerScorecard>& card : shared->cards) {
    if (!card.ok()) return card.status();
    out.push_back(std::move(*card));
  }
  return out;
}

absl::StatusOr<v1::LaScorecard> Reports::LaScorecard(
    const v1::GetLaScorecardRequest& req) {
  QuerySnapshot snapshot(db_);
  ASSIGN_OR_RETURN(Period p, ReadPeriod(req.from(), req.to(), req.as_of()));
  const std::map<std::string, std::string> teams = directory::Teams(db_);
  const std::map<std::string, std::string> officers = directory::Officers(db_);
  std::vector<std::string> ids;
  for (const auto& [officer, team] : officers) ids.push_back(officer);
  ASSIGN_OR_RETURN(std::vector<v1::OfficerScorecard> cards, Scorecards(ids, p));
  auto start = [&](v1::OfficerScorecard* totals, const std::string& id) {
    totals->set_officer_id(id);
    *totals->mutable_from() = ToProto(p.from);
    *totals->mutable_to() = ToProto(p.to);
    *totals->mutable_as_of() = ToProto(p.as_of);
  };
  v1::LaScorecard out;
  start(out.mutable_totals(), "la");
  std::map<std::string, v1::TeamTotals> rows;
  for (const auto& [team, name] : teams) {
    v1::TeamTotals& row = rows[team];
    row.set_team_id(team);
    row.set_team_name(name);
    start(row.mutable_totals(), team);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string& team = officers.at(ids[i]);
    // An officer in a team the directory does not name, or in none: the row
    // of officers in no team.
    const std::string row_id = teams.contains(team) ? team : "";
    v1::TeamTotals& row = rows[row_id];
    if (row_id.empty() && !row.has_totals()) {
      row.set_team_name("Officers in no team of the directory");
      start(row.mutable_totals(), "");
    }
    row.set_officers(row.officers() + 1);
    AddInto(cards[i], row.mutable_totals());
    AddInto(cards[i], out.mutable_totals());
  }
  for (auto& [id, row] : rows) {
    if (row.totals().measures_size() == 0) {
      // A team with no officers: every measure, at 0 of 0.
      for (const v1::Measure& m : out.totals().measures()) {
        v1::Measure* zero = row.mutable_totals()->add_measures();
        zero->set_code(m.code());
        zero->set_name(m.name());
      }
    }
    Recompute(row.mutable_totals());
    ApplyTargets(row.mutable_totals());
  }
  Recompute(out.mutable_totals());
  ApplyTargets(out.mutable_totals());
  RETURN_IF_ERROR(CheckSortBy(out.totals(), req.sort_by()));
  auto percent_of = [&](const v1::TeamTotals& t) {
    for (const v1::Measure& m : t.totals().measures()) {
      if (m.code() == req.sort_by()) return m.percent();
    }
    return -1.0;
  };
  std::vector<v1::TeamTotals> sorted;
  for (auto& [id, row] : rows) sorted.push_back(std::move(row));
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const v1::TeamTotals& a, const v1::TeamTotals& b) {
                     if (req.sort_by().empty()) {
                       return req.descending() ? a.team_id() > b.team_id()
                                               : a.team_id() < b.team_id();
                     }
                     return req.descending() ? percent_of(a) > percent_of(b)
                                             : percent_of(a) < percent_of(b);
                   });
  for (v1::TeamTotals& row : sorted) *out.add_teams() = std::move(row);
  return out;
}

namespace {

// A date as yyyymmdd, for ordering.
int DayKey(const v1::Date& d) {
  return d.year() * 10000 + d.month() * 100 + d.day();
}

}  // namespace

absl::Status Reports::RateCases(const MeasureDef& def,
                                const std::vector<std::string>& officers,
                                Date from, Date to, size_t limit,
                                v1::ExceptionReport* out) {
  out->set_rate(true);
  // Per case (officer, source, stream): what it added to each side.
  std::map<std::tuple<std::string, std::string, std::string>, v1::ExceptionItem>
      cases;
  for (const std::string& officer : officers) {
    for (const bool numerator : {true, false}) {
      const std::string& counter = numerator ? def.numerator : def.denominator;
      if (IsHeldDenominator(counter)) continue;  // a figure on a day
      RETURN_IF_ERROR(outcomes::CountedCases(
          db_, officer, counter, from, to, [&](const outcomes::CountedCase& c) {
            v1::ExceptionItem& x = cases[{officer, c.source, c.stream}];
            if (x.stream_id().empty()) {
              x.set_officer_id(officer);
              x.set_child_id(c.child);
              x.set_source(c.source);
              x.set_stream_id(c.stream);
              *x.mutable_counted_on() = ToProto(c.on);
            } else if (const v1::Date on = ToProto(c.on);
                       DayKey(on) < DayKey(x.counted_on())) {
              *x.mutable_counted_on() = on;  // the first day
            }
            if (numerator) {
              x.set_numerator(x.numerator() + c.count);
            } else {
              x.set_denominator(x.denominator() + c.count);
            }
          }));
    }
  }
  // Against the target first: short of the denominator (or, where lower is
  // better, counted in the numerator); then by the day first counted.
  auto against = [&def](const v1::ExceptionItem& x) {
    return def.lower_is_better ? x.numerator() > 0
                               : x.numerator() < x.denominator();
  };
  std::vector<v1::ExceptionItem> items;
  items.reserve(cases.size());
  for (auto& [key, x] : cases) items.push_back(std::move(x));
  std::stable_sort(items.begin(), items.end(),
                   [&](const v1::ExceptionItem& a, const v1::ExceptionItem& b) {
                     if (against(a) != against(b)) return against(a);
                     return DayKey(a.counted_on()) < DayKey(b.counted_on());
                   });
  for (v1::ExceptionItem& x : items) {
    if (static_cast<size_t>(out->items_size()) == limit) {
      out->set_truncated(true);
      break;
    }
    *out->add_items() = std::move(x);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ExceptionReport> Reports::ExceptionReport(
    const v1::GetExceptionReportRequest& req) {
  QuerySnapshot snapshot(db_);
  ASSIGN_OR_RETURN(std::vector<std::string> officers,
                   OfficersOf(req.officer_id(), req.team_id(), req.la()));
  RETURN_IF_ERROR(CheckMeasure(req.measure()));
  ASSIGN_OR_RETURN(Period p, ReadPeriod(req.from(), req.to(), req.as_of()));
  if (req.page_size() < 0) {
    return FieldError("page_size", "must not be negative");
  }
  const size_t limit =
      req.page_size() == 0
          ? 200
          : std::min<size_t>(1000, static_cast<size_t>(req.page_size()));
  v1::ExceptionReport out;
  out.set_measure(req.measure());
  out.set_name(MeasureName(req.measure()));
  const MeasureDef* def = FindMeasure(req.measure());
  if (def != nullptr && def->kind == MeasureKind::kRate) {
    RETURN_IF_ERROR(RateCases(*def, officers, p.from, p.to, limit, &out));
    return out;
  }
  std::vector<v1::ExceptionItem> missed, open;
  for (const std::string& officer : officers) {
    RETURN_IF_ERROR(
        outcomes::Missed(db_, officer, req.measure(), p.from, p.to, &missed));
    RETURN_IF_ERROR(
        worklist::Overdue(db_, officer, req.measure(), p.as_of, &open));
  }
  std::stable_sort(missed.begin(), missed.end(),
                   [&](const auto& a, const auto& b) {
                     return DayKey(a.closed_on()) < DayKey(b.closed_on());
                   });
  std::stable_sort(open.begin(), open.end(), [&](const auto& a, const auto& b) {
    return DayKey(a.due_on()) < DayKey(b.due_on());
  });
  for (auto* list : {&missed, &open}) {
    for (v1::ExceptionItem& x : *list) {
      if (static_cast<size_t>(out.items_size()) == limit) {
        out.set_truncated(true);
        return out;
      }
      *out.add_items() = std::move(x);
    }
  }
  return out;
}

absl::StatusOr<v1::Trend> Reports::Trend(const v1::GetTrendRequest& req,
                                         Date today) {
  QuerySnapshot snapshot(db_);
  ASSIGN_OR_RETURN(std::vector<std::string> officers,
                   OfficersOf(req.officer_id(), req.team_id(), req.la()));
  RETURN_IF_ERROR(CheckMeasure(req.measure()));
  if (req.months() < 0 || req.months() > 36) {
    return FieldError("months", "must be from 1 to 36");
  }
  const int months = req.months() == 0 ? 12 : req.months();
  ASSIGN_OR_RETURN(Date to, FromProtoOr("to", req.to(), today));
  const MeasureDef* def = FindMeasure(req.measure());
  const int last = keys::MonthIndex(to);
  const int first = last - months + 1;
  // (met, met + missed) of a clock measure, (numerator, denominator) of the
  // others.
  std::vector<std::pair<int64_t, int64_t>> buckets(static_cast<size_t>(months));
  enum Part { kClockOutcomes, kNumerator, kDenominator };
  auto scan = [&](const std::string& officer, const std::string& code,
                  Part part) -> absl::Status {
    for (int month = first; month <= last; ++month) {
      ASSIGN_OR_RETURN(outcomes::Counts c,
                       outcomes::Month(db_, officer, month, code));
      auto& b = buckets[static_cast<size_t>(month - first)];
      if (part == kDenominator) {
        b.second += c.met;
      } else {
        b.first += c.met;
        if (part == kClockOutcomes) b.second += c.met + c.missed;
      }
    }
    return absl::OkStatus();
  };
  // Figures on a date (the review backlog of active plans; the caseload):
  // a past month's point is the figure at its end, the current month's the
  // figure today.
  const bool backlog = def->kind == MeasureKind::kFigure;
  const bool per_held =
      def->kind == MeasureKind::kRate && IsHeldDenominator(def->denominator);
  for (const std::string& officer : officers) {
    if (def->kind == MeasureKind::kClock) {
      RETURN_IF_ERROR(scan(officer, req.measure(), kClockOutcomes));
      continue;
    }
    if (def->kind == MeasureKind::kRate) {
      RETURN_IF_ERROR(scan(officer, def->numerator, kNumerator));
      if (!per_held) {
        RETURN_IF_ERROR(scan(officer, def->denominator, kDenominator));
        continue;
      }
    }
    const int current = keys::MonthIndex(today);
    std::vector<Holding> ends;
    if (first < current) {
      RETURN_IF_ERROR(holdings::MonthEnds(db_, officer, first,
                                          std::min(last, current - 1), &ends));
    }
    if (first <= current && current <= last) {
      ASSIGN_OR_RETURN(const Holding now, holdings::On(db_, officer, today));
      ends.push_back(now);
    }
    for (size_t i = 0; i < ends.size(); ++i) {
      if (backlog) {
        buckets[i].first += ends[i][kBacklog];
        buckets[i].second += ends[i][kActive];
      } else {
        buckets[i].second +=
            ends[i][def->denominator == kPerActivePlan ? kActive : kCaseload];
      }
    }
  }
  v1::Trend out;
  out.set_measure(req.measure());
  out.set_name(MeasureName(req.measure()));
  const MeasureTarget target = TargetOf(req.measure());
  out.set_target(target.target);
  for (v1::Comparison& c :
       ComparisonsOf(ComparisonsInUse(), req.measure(), 0)) {
    *out.add_comparisons() = std::move(c);
  }
  for (int i = 0; i < months; ++i) {
    v1::TrendPoint* point = out.add_points();
    point->set_year((first + i) / 12);
    point->set_month((first + i) % 12 + 1);
    const auto& b = buckets[static_cast<size_t>(i)];
    point->set_numerator(b.first);
    point->set_denominator(b.second);
    point->set_percent(Percent(b.first, b.second));
    point->set_rag(Rate(target, point->percent(), b.second));
  }
  return out;
}

absl::StatusOr<v1::AtRiskReport> Reports::AtRisk(
    const v1::GetAtRiskRequest& req, Date today) {
  QuerySnapshot snapshot(db_);
  ASSIGN_OR_RETURN(std::vector<std::string> officers,
                   OfficersOf(req.officer_id(), req.team_id(), req.la()));
  ASSIGN_OR_RETURN(const Date as_of, FromProtoOr("as_of", req.as_of(), today));
  ASSIGN_OR_RETURN(std::vector<internal::Journey> all, forecast::All(db_));
  // The officer responsible now: the stream's (a case reassigned after its
  // last clock change is the new officer's).
  auto officer_of = [this](const internal::Journey& j) {
    std::string value;
    internal::StreamState state;
    if (db_->Get(QueryReadOptions(), keys::Stream(j.source(), j.stream_id()),
                 &value)
            .ok() &&
        state.ParseFromString(value) && !state.officer_id().empty()) {
      return state.officer_id();
    }
    return j.officer_id();
  };
  return forecast::AtRisk(all, officers, as_of, officer_of);
}

absl::StatusOr<v1::ForecastBackTest> Reports::BackTest(
    const v1::GetForecastBackTestRequest& req, Date today) {
  QuerySnapshot snapshot(db_);
  ASSIGN_OR_RETURN(const Date as_of, FromProtoOr("as_of", req.as_of(), today));
  ASSIGN_OR_RETURN(const Date from, FromProto("due_from", req.due_from()));
  ASSIGN_OR_RETURN(const Date to, FromProto("due_to", req.due_to()));
  if (to < from) {
    return FieldError("due_to", "is before due_from");
  }
  const int horizon = req.horizon_weeks() == 0 ? 8 : req.horizon_weeks();
  if (horizon < 1 || horizon > 19) {
    return FieldError("horizon_weeks", "must be 1 to 19 weeks");
  }
  ASSIGN_OR_RETURN(std::vector<internal::Journey> all, forecast::All(db_));
  return forecast::BackTest(all, from, to, horizon, as_of);
}

}  // namespace casework::projection
