#include "services/projection/forecast.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"
#include "services/projection/keys.h"

namespace casework::projection::forecast {
namespace {

constexpr char kFinalPlan[] = "ehc.final_plan";
constexpr char kDecision[] = "ehc.decision_to_assess";
constexpr char kAdvice[] = "ehc.advice";
constexpr char kDraft[] = "ehc.draft_comment";
constexpr char kReviewDecision[] = "review.decision";
constexpr char kReviewAmended[] = "review.amended_plan_from_meeting";
// The naive rule: flag an assessment still open this many weeks after its
// request.
constexpr int kNaiveWeeks = 14;

Date Day(int32_t yyyymmdd) {
  if (yyyymmdd == 0) return Date();
  absl::StatusOr<Date> d = Date::FromYyyymmdd(yyyymmdd);
  return d.ok() ? *d : Date();
}

int32_t Ymd(const v1::Date& d) {
  return d.year() * 10000 + d.month() * 100 + d.day();
}

bool Closed(v1::ClockAction a) {
  return a == v1::CLOCK_MET || a == v1::CLOCK_MISSED;
}

double Percent(int part, int whole) {
  return whole == 0 ? 0 : 100.0 * part / whole;
}

}  // namespace

bool IsAssessment(const internal::Journey& j) {
  return j.rule().empty() || j.rule() == kFinalPlan;
}

std::string RuleOf(const internal::Journey& j) {
  return j.rule().empty() ? std::string(kFinalPlan) : j.rule();
}

const char kMethod[] =
    "Each open assessment's stage (awaiting the decision to assess; "
    "assessing; advice in, draft not issued; draft issued) and how long it "
    "has been at it are compared with the assessments whose final plan was "
    "issued in the 12 months before (none with an exception): the forecast "
    "is the day it entered its stage plus the median time from that stage "
    "to the final plan of those that had still not finished after as long. "
    "At risk: at least one in three of those past assessments would have "
    "brought the final plan after the 20-week due date, which has not yet "
    "passed. No forecast with fewer than 5 such past assessments. Reviews "
    "the same way: a review meeting's decision (4 weeks) and, after a "
    "decision to amend, its amended plan (12 weeks from the meeting), "
    "against the reviews that finished in the 12 months before.";

namespace {

// A review's decision and amended-plan clocks: one journey each.
absl::Status ApplyReview(Writer& writer, const EventFacts& facts,
                         const StreamDelta& delta) {
  for (const v1::ClockChange& c : facts.envelope.clocks()) {
    if (c.rule() != kReviewDecision && c.rule() != kReviewAmended) continue;
    const std::string key =
        keys::Journey(facts.source, delta.stream_id, c.clock_id());
    internal::Journey j;
    RETURN_IF_ERROR(writer.GetProto(key, &j, "journey"));
    const v1::ClockAction a = c.action();
    if (a == v1::CLOCK_OPENED) {
      j.set_started(Ymd(c.started_on()));
      j.set_due(Ymd(c.due_on()));
      // The amended plan's clock counts from the meeting and opens with the
      // decision to amend: its second stage.
      if (c.rule() == kReviewAmended) {
        j.set_decided(Ymd(facts.envelope.metadata().occurred_on()));
      }
    } else if (Closed(a)) {
      j.set_finished(Ymd(c.closed_on()));
    } else if (a == v1::CLOCK_CANCELLED) {
      j.set_ended(Ymd(c.closed_on()));
    }
    if (c.exception() || a == v1::CLOCK_EXCEPTION_APPLIED) j.set_excepted(true);
    if (j.started() == 0) continue;
    j.set_source(facts.source);
    j.set_rule(c.rule());
    j.set_clock_id(c.clock_id());
    j.set_stream_id(delta.stream_id);
    j.set_child_id(delta.child_id);
    j.set_officer_id(delta.officer);
    writer.batch().Set(key, j.SerializeAsString());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Apply(Writer& writer, const EventFacts& facts,
                   const StreamDelta& delta) {
  if (facts.source == "annual-reviews") {
    return ApplyReview(writer, facts, delta);
  }
  if (facts.source != "ehc-assessments") return absl::OkStatus();
  const std::string key = keys::Journey(facts.source, delta.stream_id);
  internal::Journey j;
  RETURN_IF_ERROR(writer.GetProto(key, &j, "journey"));
  bool changed = false;
  for (const v1::ClockChange& c : facts.envelope.clocks()) {
    const v1::ClockAction a = c.action();
    if (c.rule() == kFinalPlan) {
      if (a == v1::CLOCK_OPENED) {
        j.set_started(Ymd(c.started_on()));
        j.set_due(Ymd(c.due_on()));
      } else if (Closed(a)) {
        j.set_finished(Ymd(c.closed_on()));
      } else if (a == v1::CLOCK_CANCELLED) {
        j.set_ended(Ymd(c.closed_on()));
      }
      if (c.exception() || a == v1::CLOCK_EXCEPTION_APPLIED) {
        j.set_excepted(true);
      }
      changed = true;
    } else if (c.rule() == kDecision && Closed(a)) {
      j.set_decided(Ymd(c.closed_on()));
      changed = true;
    } else if (c.rule() == kAdvice) {
      auto* open = j.mutable_open_advice();
      if (a == v1::CLOCK_OPENED) {
        internal::Journey::Advice& advice = (*open)[c.clock_id()];
        advice.set_subtype(c.measure_subtype());
        advice.set_started(Ymd(c.started_on()));
      } else if (Closed(a) || a == v1::CLOCK_CANCELLED) {
        open->erase(c.clock_id());
        if (open->empty() && Closed(a)) j.set_advice_done(Ymd(c.closed_on()));
      }
      changed = true;
    } else if (c.rule() == kDraft && a == v1::CLOCK_OPENED) {
      j.set_draft(Ymd(c.started_on()));
      changed = true;
    }
  }
  // A journey is a first assessment's: it starts with its 20-week clock.
  if (j.started() == 0) return absl::OkStatus();
  if (j.officer_id() != delta.officer || j.child_id() != delta.child_id ||
      j.stream_id() != delta.stream_id) {
    j.set_officer_id(delta.officer);
    j.set_child_id(delta.child_id);
    j.set_stream_id(delta.stream_id);
    j.set_source(facts.source);
    j.set_rule(kFinalPlan);
    changed = true;
  }
  if (changed) writer.batch().Set(key, j.SerializeAsString());
  return absl::OkStatus();
}

StageOn StageOf(const internal::Journey& j, Date day) {
  auto by = [&](int32_t d) { return d != 0 && Day(d) <= day; };
  if (!IsAssessment(j)) {
    if (by(j.decided())) return {1, Day(j.decided())};
    return {0, Day(j.started())};
  }
  if (by(j.draft())) return {3, Day(j.draft())};
  if (by(j.decided()) && by(j.advice_done()) && j.advice_done() >= j.decided())
    return {2, Day(j.advice_done())};
  if (by(j.decided())) return {1, Day(j.decided())};
  return {0, Day(j.started())};
}

bool OpenOn(const internal::Journey& j, Date day) {
  if (j.started() == 0 || Day(j.started()) > day) return false;
  if (j.finished() != 0 && Day(j.finished()) <= day) return false;
  if (j.ended() != 0 && Day(j.ended()) <= day) return false;
  return true;
}

Model::Model(const std::vector<internal::Journey>& all, Date day) {
  const Date earliest = day.AddDays(-kHistoryDays);
  for (const internal::Journey& j : all) {
    if (j.finished() == 0 || j.excepted()) continue;
    const Date finished = Day(j.finished());
    if (finished >= day || finished < earliest) continue;
    const bool assessment = IsAssessment(j);
    const int32_t entries[4] = {
        j.started(), j.decided(),
        assessment && j.advice_done() >= j.decided() ? j.advice_done() : 0,
        assessment ? j.draft() : 0};
    auto& stages = remaining_[RuleOf(j)];
    for (int s = 0; s < 4; ++s) {
      if (entries[s] == 0 || entries[s] > j.finished()) continue;
      stages[static_cast<size_t>(s)].push_back(
          Day(entries[s]).DaysUntil(finished));
    }
  }
  for (auto& [rule, stages] : remaining_) {
    for (auto& r : stages) std::sort(r.begin(), r.end());
  }
}

Model::References Model::ReferencesOf(const internal::Journey& j,
                                      Date day) const {
  const StageOn at = StageOf(j, day);
  const std::vector<int>& r = Times(j, at.index);
  return {at, std::lower_bound(r.begin(), r.end(), at.entered.DaysUntil(day)),
          r.end()};
}

std::optional<Date> Model::Forecast(const internal::Journey& j, Date day,
                                    int* references) const {
  const References refs = ReferencesOf(j, day);
  if (references != nullptr) *references = refs.size();
  if (refs.size() < kMinReferences) return std::nullopt;
  return refs.at.entered.AddDays(*(refs.first + refs.size() / 2));
}

std::optional<Model::Late> Model::LateShare(const internal::Journey& j,
                                            Date day, Date due) const {
  const References refs = ReferencesOf(j, day);
  if (refs.size() < kMinReferences) return std::nullopt;
  auto late =
      std::upper_bound(refs.first, refs.last, refs.at.entered.DaysUntil(due));
  return Late{static_cast<int>(refs.last - late), refs.size()};
}

const std::vector<int>& Model::Times(const internal::Journey& j,
                                     int stage) const {
  static const std::vector<int> kNone;
  auto it = remaining_.find(RuleOf(j));
  return it == remaining_.end() ? kNone
                                : it->second[static_cast<size_t>(stage)];
}

std::string StageName(const internal::Journey& j, int index) {
  if (!IsAssessment(j)) {
    if (j.rule() == kReviewDecision) {
      return "review meeting held; decision not notified";
    }
    return index == 1 ? "decision to amend notified; amended plan not issued"
                      : "review meeting held; amended plan not issued";
  }
  switch (index) {
    case 0:
      return "awaiting the decision to assess";
    case 1:
      return "assessing: advice outstanding";
    case 2:
      return "advice in; draft plan not issued";
    default:
      return "draft plan issued; final plan not issued";
  }
}

std::string HoldingUp(const internal::Journey& j, Date day) {
  const StageOn at = StageOf(j, day);
  const int weeks = at.entered.DaysUntil(day) / 7;
  if (!IsAssessment(j)) {
    const int since_meeting = Day(j.started()).DaysUntil(day) / 7;
    if (j.rule() == kReviewDecision) {
      return absl::StrCat("decision not notified ", since_meeting,
                          " weeks after the review meeting");
    }
    return absl::StrCat("amended plan not issued ", since_meeting,
                        " weeks after the review meeting (", weeks,
                        " after the decision to amend)");
  }
  switch (at.index) {
    case 0:
      return absl::StrCat("decision to assess not made ", weeks,
                          " weeks after the request");
    case 1: {
      // The advice outstanding longest.
      const internal::Journey::Advice* oldest = nullptr;
      for (const auto& [id, a] : j.open_advice()) {
        if (Day(a.started()) > day) continue;
        if (oldest == nullptr || a.started() < oldest->started()) oldest = &a;
      }
      if (oldest == nullptr) {
        return absl::StrCat("no advice requested ", weeks,
                            " weeks after the decision to assess");
      }
      const std::string who =
          oldest->subtype().empty()
              ? std::string("an adviser")
              : absl::StrReplaceAll(oldest->subtype(), {{"_", " "}});
      return absl::StrCat("advice from ", who, " outstanding for ",
                          Day(oldest->started()).DaysUntil(day) / 7, " weeks");
    }
    case 2:
      return absl::StrCat("draft plan not issued ", weeks,
                          " weeks after the advice was in");
    default:
      return absl::StrCat("final plan not issued ", weeks,
                          " weeks after the draft");
  }
}

absl::StatusOr<std::vector<internal::Journey>> All(rocksdb::DB* db) {
  std::vector<internal::Journey> out;
  PrefixScan it(db, std::string(keys::kJourneyPrefix));
  for (it->Seek(keys::kJourneyPrefix); it->Valid(); it->Next()) {
    internal::Journey j;
    if (!j.ParseFromArray(it->value().data(),
                          static_cast<int>(it->value().size()))) {
      return absl::DataLossError("corrupt journey");
    }
    out.push_back(std::move(j));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "journeys"));
  return out;
}

v1::AtRiskReport AtRisk(const std::vector<internal::Journey>& all,
                        const std::vector<std::string>& officers, Date as_of,
                        const OfficerOf& officer_of) {
  const std::set<std::string> who(officers.begin(), officers.end());
  const Model model(all, as_of);
  v1::AtRiskReport out;
  *out.mutable_as_of() = ToProto(as_of);
  out.set_method(kMethod);
  for (const internal::Journey& j : all) {
    if (j.excepted() || !OpenOn(j, as_of) || Day(j.due()) < as_of) continue;
    const std::string officer = officer_of ? officer_of(j) : j.officer_id();
    if (!who.contains(officer)) continue;
    out.set_open_cases(out.open_cases() + 1);
    int references = 0;
    const std::optional<Date> when = model.Forecast(j, as_of, &references);
    const std::optional<Model::Late> late =
        model.LateShare(j, as_of, Day(j.due()));
    if (!when || !late) {
      out.set_without_forecast(out.without_forecast() + 1);
      continue;
    }
    if (!late->AtRisk()) continue;
    v1::AtRiskItem* x = out.add_items();
    x->set_officer_id(officer);
    x->set_child_id(j.child_id());
    x->set_source(j.source().empty() ? "ehc-assessments" : j.source());
    x->set_rule(RuleOf(j));
    x->set_stream_id(j.stream_id());
    *x->mutable_started_on() = ToProto(Day(j.started()));
    *x->mutable_due_on() = ToProto(Day(j.due()));
    *x->mutable_forecast_on() = ToProto(*when);
    x->set_stage(StageName(j, StageOf(j, as_of).index));
    x->set_holding_up(HoldingUp(j, as_of));
    x->set_reference_cases(references);
    x->set_late_percent(late->Percent());
  }
  std::sort(
      out.mutable_items()->begin(), out.mutable_items()->end(),
      [](const v1::AtRiskItem& a, const v1::AtRiskItem& b) {
        return std::make_tuple(Ymd(a.due_on()), a.officer_id(), a.child_id()) <
               std::make_tuple(Ymd(b.due_on()), b.officer_id(), b.child_id());
      });
  return out;
}

v1::ForecastBackTest BackTest(const std::vector<internal::Journey>& all,
                              Date from, Date to, int horizon_weeks,
                              Date as_of) {
  struct Score {
    int flagged = 0, flagged_breached = 0, breached = 0, breached_flagged = 0;
  };
  Score at_horizon, at_naive, naive;
  int cases = 0, breaches = 0;
  const int naive_before = 20 - kNaiveWeeks;  // weeks before the due date
  // Models by evaluation day (many assessments share one).
  std::map<int32_t, Model> models;
  auto model_on = [&](Date day) -> const Model& {
    auto it = models.find(day.ToYyyymmdd());
    if (it == models.end()) {
      it = models.emplace(day.ToYyyymmdd(), Model(all, day)).first;
    }
    return it->second;
  };
  for (const internal::Journey& j : all) {
    if (!IsAssessment(j) || j.excepted() || j.due() == 0) continue;
    const Date due = Day(j.due());
    if (due < from || due > to) continue;
    if (j.finished() == 0 && j.ended() != 0) continue;  // no plan: no breach
    if (j.finished() == 0 && as_of <= due) continue;    // outcome not known
    if (j.finished() != 0 && Day(j.finished()) > as_of) continue;
    const bool breached = j.finished() == 0 || Day(j.finished()) > due;
    ++cases;
    breaches += breached;
    auto score = [&](Score& s, bool flagged) {
      s.flagged += flagged;
      s.flagged_breached += flagged && breached;
      s.breached += breached;
      s.breached_flagged += breached && flagged;
    };
    auto forecast_flags = [&](int weeks_before) {
      const Date day = due.AddDays(-7 * weeks_before);
      if (!OpenOn(j, day)) return false;
      const std::optional<Model::Late> share =
          model_on(day).LateShare(j, day, due);
      return share.has_value() && share->AtRisk();
    };
    score(at_horizon, forecast_flags(horizon_weeks));
    score(at_naive, forecast_flags(naive_before));
    score(naive, OpenOn(j, Day(j.started()).AddDays(7 * kNaiveWeeks)));
  }
  v1::ForecastBackTest out;
  out.set_assessments(cases);
  out.set_breached(breaches);
  out.set_method(kMethod);
  auto add = [&](const Score& s, std::string rule, int weeks_before) {
    v1::RuleScore* r = out.add_rules();
    r->set_rule(std::move(rule));
    r->set_weeks_before_due(weeks_before);
    r->set_flagged(s.flagged);
    r->set_flagged_breached(s.flagged_breached);
    r->set_breached(s.breached);
    r->set_breached_flagged(s.breached_flagged);
    r->set_precision(Percent(s.flagged_breached, s.flagged));
    r->set_recall(Percent(s.breached_flagged, s.breached));
  };
  add(at_horizon,
      absl::StrCat("forecast, ", horizon_weeks, " weeks before the due date"),
      horizon_weeks);
  add(at_naive,
      absl::StrCat("forecast, ", naive_before, " weeks before the due date"),
      naive_before);
  add(naive,
      absl::StrCat("naive: still open ", kNaiveWeeks,
                   " weeks after the request"),
      naive_before);
  return out;
}

}  // namespace casework::projection::forecast
