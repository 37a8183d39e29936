#include "services/projection/transition.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/statutory/rules.h"
#include "services/projection/keys.h"
#include "services/projection/measures.h"

namespace casework::projection {
namespace {

absl::StatusOr<Date> DateOf(const v1::Date& d, absl::string_view what) {
  absl::StatusOr<Date> date = Date::FromYmd(d.year(), d.month(), d.day());
  if (!date.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is not a date (", d.year(), "-", d.month(), "-", d.day(), ")"));
  }
  return *date;
}

std::string Humanize(absl::string_view type) {
  std::string out;
  for (size_t i = 0; i < type.size(); ++i) {
    char c = type[i];
    if (i > 0 && absl::ascii_isupper(c)) {
      out.push_back(' ');
      out.push_back(absl::ascii_tolower(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string RuleName(const std::string& code) {
  const statutory::ClockRule* rule = statutory::FindRule(code);
  return rule ? absl::AsciiStrToLower(rule->name) : code;
}

std::vector<std::string>& UnknownForTesting() {
  static auto* rules = new std::vector<std::string>;
  return *rules;
}

bool KnownRule(const std::string& rule) {
  const std::vector<std::string>& unknown = UnknownForTesting();
  return statutory::FindRule(rule) != nullptr &&
         std::find(unknown.begin(), unknown.end(), rule) == unknown.end();
}

// Every clock change must be one this build can apply. (Messages are built
// only when something is wrong: this runs for every clock of every event.)
absl::Status CheckClock(const v1::ClockChange& c) {
  auto where = [&c] { return absl::StrCat("clock ", c.clock_id()); };
  if (c.clock_id().empty()) {
    return absl::InvalidArgumentError("a clock change has no clock_id");
  }
  if (!KnownRule(c.rule())) {
    return absl::InvalidArgumentError(
        absl::StrCat(where(), ": rule '", c.rule(),
                     "' is not known to this build of the projection"));
  }
  auto valid = [](const v1::Date& d) {
    return Date::FromYmd(d.year(), d.month(), d.day()).ok();
  };
  switch (c.action()) {
    case v1::CLOCK_OPENED:
      if (valid(c.due_on())) return absl::OkStatus();
      return DateOf(c.due_on(), absl::StrCat(where(), ": due_on")).status();
    case v1::CLOCK_MET:
    case v1::CLOCK_MISSED:
      if (valid(c.closed_on())) return absl::OkStatus();
      return DateOf(c.closed_on(), absl::StrCat(where(), ": closed_on"))
          .status();
    case v1::CLOCK_EXCEPTION_APPLIED:
    case v1::CLOCK_CANCELLED:
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": action ", c.action(), " is not known"));
  }
}

}  // namespace

void SetUnknownRulesForTesting(std::vector<std::string> rules) {
  UnknownForTesting() = std::move(rules);
}

Order Classify(const internal::StreamState& state, int64_t version) {
  if (version <= state.applied_version()) return Order::kRepeat;
  if (version == state.applied_version() + 1) return Order::kNext;
  return Order::kAhead;
}

std::string TimelineLine(absl::string_view type,
                         const v1::EventEnvelopeHeader& e) {
  std::string line = Humanize(type);
  for (const v1::ClockChange& c : e.clocks()) {
    std::string what = RuleName(c.rule());
    if (!c.measure_subtype().empty())
      absl::StrAppend(&what, " (", c.measure_subtype(), ")");
    switch (c.action()) {
      case v1::CLOCK_OPENED: {
        absl::StatusOr<Date> due = Date::FromYmd(
            c.due_on().year(), c.due_on().month(), c.due_on().day());
        absl::StrAppend(&line, "; due ", due.ok() ? due->ToString() : "?", ": ",
                        what);
        break;
      }
      case v1::CLOCK_MET:
        absl::StrAppend(&line, "; on time: ", what);
        break;
      case v1::CLOCK_MISSED:
        absl::StrAppend(&line, "; ", c.days_late(), " days late: ", what,
                        c.exception() ? " (exception recorded)" : "");
        break;
      case v1::CLOCK_EXCEPTION_APPLIED:
        absl::StrAppend(&line, "; exception lifts: ", what);
        break;
      default:
        break;
    }
  }
  return line;
}

absl::StatusOr<StreamDelta> Transition(internal::StreamState& state,
                                       const EventFacts& facts) {
  const v1::EventEnvelopeHeader& e = facts.envelope;
  const v1::EventMetadata& m = e.metadata();
  if (m.child_id().empty()) {
    return absl::InvalidArgumentError("metadata.child_id is empty");
  }
  ASSIGN_OR_RETURN(const Date occurred,
                   DateOf(m.occurred_on(), "metadata.occurred_on"));
  for (const v1::ClockChange& c : e.clocks()) RETURN_IF_ERROR(CheckClock(c));
  for (const v1::Tally& t : e.tallies()) {
    if (!IsCounter(t.counter())) {
      return absl::InvalidArgumentError(
          absl::StrCat("tally: counter '", t.counter(),
                       "' is not known to this build of the projection"));
    }
    if (t.count() < 1 || t.count() > 1000) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tally ", t.counter(), ": count ", t.count(), " is not 1 to 1000"));
    }
    if (t.has_on()) {
      RETURN_IF_ERROR(
          DateOf(t.on(), absl::StrCat("tally ", t.counter(), ": on")).status());
    }
  }

  StreamDelta d;
  d.source = facts.source;
  d.stream_id = m.stream_id();
  d.child_id = m.child_id();
  d.officer = m.officer_id();
  d.occurred = occurred;

  v1::TimelineEntry& entry = d.entry;
  *entry.mutable_occurred_on() = m.occurred_on();
  *entry.mutable_recorded_at() = m.recorded_at();
  entry.set_source(facts.source);
  entry.set_stream_id(m.stream_id());
  entry.set_event_type(facts.type);
  entry.set_event_id(m.event_id());
  entry.set_officer_id(m.officer_id());
  entry.set_position(m.position());
  entry.set_line(TimelineLine(facts.type, e));

  // An open clock becomes `officer`'s on `on` (opened, or moved to them)...
  auto holding = [](const std::string& officer, const v1::WorklistItem& item,
                    Date taken, Date on, int sign) {
    const v1::Date& due = item.due_on();
    absl::StatusOr<Date> day =
        Date::FromYmd(due.year(), due.month(), due.day());
    return ClockHolding{officer,
                        statutory::FindRule(item.rule()),
                        day.ok() ? *day : Date(),
                        taken,
                        on,
                        sign};
  };
  auto take_on = [&](const std::string& officer, const v1::WorklistItem& item,
                     Date on) {
    (*state.mutable_held_since())[item.clock_id()] = on.ToYyyymmdd();
    d.holdings.push_back(holding(officer, item, on, on, +1));
  };
  // ... and stops being theirs on `on` (closed, or moved to another). An
  // event dated before the take-on lets go on the take-on day.
  auto let_go = [&](const std::string& officer, const v1::WorklistItem& item,
                    Date on) {
    auto since = state.held_since().find(item.clock_id());
    if (since == state.held_since().end()) return;
    absl::StatusOr<Date> taken = Date::FromYyyymmdd(since->second);
    state.mutable_held_since()->erase(item.clock_id());
    if (!taken.ok()) return;
    d.holdings.push_back(
        holding(officer, item, *taken, std::max(*taken, on), -1));
  };

  const std::string previous_officer = state.officer_id();
  const std::string& officer = m.officer_id();
  auto* open = state.mutable_open_clocks();
  auto find = [&](const std::string& clock_id) {
    for (int i = 0; i < open->size(); ++i) {
      if (open->Get(i).clock_id() == clock_id) return i;
    }
    return -1;
  };
  // Whose an open clock is: its assignee's, else the case officer's.
  auto owner = [&officer](const v1::WorklistItem& item) -> const std::string& {
    return item.assignee().empty() ? officer : item.assignee();
  };
  // The case is open for its officer while a clock of theirs is open.
  auto officer_holds = [&open]() {
    return std::any_of(
        open->begin(), open->end(),
        [](const v1::WorklistItem& item) { return item.assignee().empty(); });
  };
  const bool was_open = officer_holds();
  // A change of officer moves every open clock of the stream that is the
  // officer's (an assigned clock stays with its assignee).
  const bool moved = !previous_officer.empty() && previous_officer != officer;
  if (moved) {
    for (const v1::WorklistItem& item : *open) {
      if (!item.assignee().empty()) continue;
      d.worklist.push_back({WorklistOp::kDelete, previous_officer, item});
      d.worklist.push_back({WorklistOp::kPut, officer, item});
      let_go(previous_officer, item, occurred);
      take_on(officer, item, occurred);
    }
  }
  for (const v1::ClockChange& c : e.clocks()) {
    switch (c.action()) {
      case v1::CLOCK_OPENED: {
        v1::WorklistItem item;  // slim: see worklist.h
        item.set_clock_id(c.clock_id());
        item.set_rule(c.rule());
        *item.mutable_started_on() = c.started_on();
        *item.mutable_due_on() = c.due_on();
        item.set_exception(c.exception());
        item.set_assignee(c.assignee());
        const int again = find(c.clock_id());
        if (again >= 0) {
          // Opened again while open: the new due date replaces the old.
          const v1::WorklistItem old = open->Get(again);
          d.worklist.push_back({WorklistOp::kDelete, owner(old), old});
          let_go(owner(old), old, occurred);
          d.worklist.push_back({WorklistOp::kPut, owner(item), item});
        } else {
          // Not open before: no worklist key of it exists.
          d.worklist.push_back({WorklistOp::kPutNew, owner(item), item});
        }
        take_on(owner(item), item, occurred);
        *(again >= 0 ? open->Mutable(again) : open->Add()) = std::move(item);
        break;
      }
      case v1::CLOCK_EXCEPTION_APPLIED: {
        const int i = find(c.clock_id());
        if (i < 0) break;
        v1::WorklistItem* item = open->Mutable(i);
        item->set_exception(true);
        d.worklist.push_back({WorklistOp::kPut, owner(*item), *item});
        break;
      }
      case v1::CLOCK_MET:
      case v1::CLOCK_MISSED:
      case v1::CLOCK_CANCELLED: {
        if (const int i = find(c.clock_id()); i >= 0) {
          const v1::WorklistItem item = open->Get(i);
          d.worklist.push_back({WorklistOp::kDelete, owner(item), item});
          let_go(owner(item), item, occurred);
          open->SwapElements(i, open->size() - 1);
          open->RemoveLast();
        }
        if (c.action() != v1::CLOCK_CANCELLED) {
          d.closed.push_back(
              {c.assignee().empty() ? officer : c.assignee(), &c});
        }
        break;
      }
      default:
        break;
    }
  }
  d.counter = EventCounter(facts.type);
  for (const v1::Tally& t : e.tallies()) {
    d.tallies.push_back(
        {t.counter(), t.count(), t.has_on() ? t.on() : m.occurred_on()});
  }
  state.set_applied_version(m.version());
  state.set_applied_event_id(m.event_id());
  state.set_officer_id(officer);
  state.set_child_id(m.child_id());
  // Caseload: an officer's open streams per child change only when a stream
  // opens or closes (or changes hands).
  const bool is_open = officer_holds();
  if (moved) {
    if (was_open) d.cases.push_back({previous_officer, false, occurred});
    if (is_open) d.cases.push_back({officer, true, occurred});
  } else if (was_open != is_open) {
    d.cases.push_back({officer, is_open, occurred});
  }
  return d;
}

}  // namespace casework::projection
