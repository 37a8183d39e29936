#include "services/projection/projection.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "casework/internal/projection_store.pb.h"
#include "casework/v1/common.pb.h"
#include "casework/v1/directory.pb.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/core/thread.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/rules.h"

namespace casework::projection {
namespace {

// Bumped whenever the keys or values below change meaning.
constexpr char kLayout[] = "12";

std::string BE64(uint64_t v) {
  std::string out;
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return out;
}

uint64_t FromBE64(absl::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < s.size(); ++i)
    v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

// Counts of one month by day of the month (index 1-31; 0 unused), N per day.
template <size_t N>
using DayCounts = std::array<std::array<int64_t, N>, 32>;
// An officer's outcomes of one measure in a month (Q): met, missed, excluded.
using MonthOutcomes = DayCounts<3>;
// An officer's holding changes in a month (H), by the day they take effect:
// open items, overdue items, active plans (review-due clocks), review
// backlog (those overdue), caseload (children with an open stream).
constexpr size_t kHeldSlots = 5;
enum HeldSlot : size_t { kOpen, kOverdue, kActive, kBacklog, kCaseload };
using MonthHolding = DayCounts<kHeldSlots>;

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(absl::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// A month's counts as stored: the month's totals (N signed 8-byte
// big-endian numbers), so whole months are summed without decoding; then
// each day with a count, in order: the day (1 byte) and its N counts
// (zigzag varints: small either side of zero).
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
      const auto u = static_cast<uint64_t>(c[i]);
      PutVarint((u << 1) ^ (c[i] < 0 ? ~uint64_t{0} : 0), &tail);
    }
  }
  std::string out;
  out.reserve(8 * N + tail.size());
  for (int64_t t : total) out += BE64(static_cast<uint64_t>(t));
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
      uint64_t u = 0;
      if (!GetVarint(&v, &u)) return false;
      (*days)[day][i] = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
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
    out[i] = static_cast<int64_t>(FromBE64(v.substr(i * 8, 8)));
  }
  return out;
}

std::string K(std::initializer_list<absl::string_view> parts) {
  std::string out;
  bool first = true;
  for (absl::string_view p : parts) {
    if (!first) out.push_back('\0');
    out.append(p.data(), p.size());
    first = false;
  }
  return out;
}

std::string Ymd(const v1::Date& d) {
  return absl::StrCat(d.year() * 10000 + d.month() * 100 + d.day());
}

Date ToDate(const v1::Date& d) {
  absl::StatusOr<Date> date = Date::FromYmd(d.year(), d.month(), d.day());
  return date.ok() ? *date : Date();
}

absl::StatusOr<Date> FromDay(int64_t yyyymmdd) {
  return Date::FromYmd(static_cast<int>(yyyymmdd / 10000),
                       static_cast<int>(yyyymmdd / 100 % 100),
                       static_cast<int>(yyyymmdd % 100));
}

// Months as one number (year * 12 + month - 1), for ranges of months.
int MonthIndex(const v1::Date& d) { return d.year() * 12 + d.month() - 1; }
int MonthIndex(Date d) { return d.year() * 12 + d.month() - 1; }
std::string MonthKey(int index) {
  return absl::StrCat((index / 12) * 100 + index % 12 + 1);
}

absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  // RocksDB's text names server files: it goes to the log, not to callers.
  LogError("storage error",
           {{"operation", std::string(what)}, {"rocksdb", s.ToString()}});
  return absl::UnavailableError(
      absl::StrCat(what, ": ",
                   s.IsNoSpace()      ? "no space left on device"
                   : s.IsIOError()    ? "I/O error"
                   : s.IsCorruption() ? "stored data is corrupt"
                                      : "storage error"));
}

// The measures a closed clock counts towards (DOMAIN.md section 6).
struct MeasureDef {
  std::string code;
  std::string name;
};

// Event counters (not clocks) kept with the outcome counters: the event type
// counted and its counter.
constexpr char kIttStarted[] = "transport.itt_started";
constexpr char kIttCompleted[] = "transport.itt_completed";
constexpr char kComplaintsLogged[] = "complaints.logged";
constexpr char kComplaintsEscalated[] = "complaints.escalated";
constexpr char kComplaintsToOmbudsman[] = "complaints.to_ombudsman";
constexpr char kMediationsHeld[] = "disagreements.mediations";
constexpr char kAppealsRegistered[] = "disagreements.appeals";

const char* EventCounter(absl::string_view event_type) {
  static const auto* counters = new std::map<std::string, const char*>{
      {"TravelTrainingStarted", kIttStarted},
      {"TravelTrainingCompleted", kIttCompleted},
      {"ComplaintLogged", kComplaintsLogged},
      {"ComplaintEscalated", kComplaintsEscalated},
      {"ComplaintReferredToOmbudsman", kComplaintsToOmbudsman},
      {"MediationHeld", kMediationsHeld},
      {"AppealRegistered", kAppealsRegistered}};
  auto it = counters->find(std::string(event_type));
  return it == counters->end() ? nullptr : it->second;
}

bool IsReviewDue(absl::string_view rule) {
  return rule == "review.annual" || rule == "review.under_5";
}

// Short codes for the services in keys (shorter keys: cheaper comparisons in
// the memtable); any other source keeps its name.
std::string SourceCode(absl::string_view source) {
  if (source == "ehc-assessments") return "e";
  if (source == "annual-reviews") return "r";
  if (source == "transport") return "t";
  if (source == "complaints") return "c";
  return std::string(source);
}

// Worklist values: a flag byte, then the WorklistItem, so counting open and
// overdue items needs no parsing.
constexpr uint8_t kMinimumPeriod = 1;
constexpr uint8_t kReviewDueFlag = 2;

uint8_t WorklistFlags(const v1::WorklistItem& item) {
  uint8_t flags = 0;
  const statutory::ClockRule* rule = statutory::FindRule(item.rule());
  if (rule != nullptr && rule->minimum_period) flags |= kMinimumPeriod;
  if (IsReviewDue(item.rule())) flags |= kReviewDueFlag;
  return flags;
}

// An open clock as stored (in a stream state, and in a worklist value) is
// slim: clock id, rule, dates, exception. The child, source and stream are
// the stream's, and the name follows from the rule, so they are filled in
// when read (about a third of the bytes Apply writes).
//
// A W value: the flags byte, then the child and source, then the slim item
// (protobuf fields of two serializations concatenated parse as one).
std::string WorklistValue(const v1::WorklistItem& slim,
                          const std::string& child, const std::string& source) {
  v1::WorklistItem whose;
  whose.set_child_id(child);
  whose.set_source(source);
  std::string out(1, static_cast<char>(WorklistFlags(slim)));
  whose.AppendToString(&out);
  slim.AppendToString(&out);
  return out;
}

// Reads a W value; `key_rest` is the key after "W<officer>\0":
// <due yyyymmdd><stream>\0<clock>.
bool ParseWorklistValue(absl::string_view key_rest, const rocksdb::Slice& v,
                        v1::WorklistItem* item) {
  if (v.size() < 1 ||
      !item->ParseFromArray(v.data() + 1, static_cast<int>(v.size() - 1))) {
    return false;
  }
  const size_t nul = key_rest.find('\0', 8);
  if (key_rest.size() < 8 || nul == absl::string_view::npos) return false;
  item->set_stream_id(std::string(key_rest.substr(8, nul - 8)));
  const statutory::ClockRule* rule = statutory::FindRule(item->rule());
  item->set_name(rule ? std::string(rule->name) : item->rule());
  return true;
}

std::vector<MeasureDef> MeasuresFor(const v1::ClockChange& c) {
  if (IsReviewDue(c.rule())) {
    return {{"review.on_time",
             "Reviews whose decision was notified by the due date"}};
  }
  if (c.rule() == "review.decision") {
    return {{"review.decision_4_weeks",
             "Review decisions notified within 4 weeks of the meeting"}};
  }
  if (c.rule() == "review.amended_plan_from_meeting") {
    return {{"review.amended_plan_12_weeks",
             "Final amended plans within 12 weeks of the review meeting"}};
  }
  if (c.rule() == "review.amended_plan") {
    return {{"review.amended_plan_8_weeks",
             "Final amended plans within 8 weeks of the amendment notice"}};
  }
  if (c.rule() == "review.phase_transfer") {
    return {{"review.phase_transfer_on_time",
             "Phase transfers finalised by 15 February / 31 March"}};
  }
  if (c.rule() == "transport.decision") {
    return {{"transport.decided_in_time",
             "Travel applications decided within the LA's target"}};
  }
  if (c.rule() == "transport.in_place") {
    return {{"transport.in_place_for_term",
             "Transport in place by the start of term"}};
  }
  if (c.rule() == "transport.stage1_review") {
    return {{"transport.stage1_on_time",
             "Travel stage 1 reviews decided within 20 working days"}};
  }
  if (c.rule() == "transport.stage2_panel") {
    return {{"transport.stage2_on_time",
             "Travel stage 2 panels decided within 40 working days"}};
  }
  if (c.rule() == "transport.stage2_outcome") {
    return {{"transport.stage2_outcome_on_time",
             "Travel stage 2 written outcomes within 5 working days"}};
  }
  if (c.rule() == "complaint.acknowledge") {
    return {{"complaints.acknowledged_on_time",
             "Complaints acknowledged within 5 working days"}};
  }
  if (c.rule() == "complaint.stage1" || c.rule() == "complaint.csc_stage1") {
    return {{"complaints.stage1_on_time", "Stage 1 complaint replies on time"}};
  }
  if (c.rule() == "complaint.stage2" || c.rule() == "complaint.csc_stage2") {
    return {{"complaints.stage2_on_time", "Stage 2 complaint replies on time"}};
  }
  if (c.rule() == "complaint.csc_stage3") {
    return {{"complaints.stage3_on_time",
             "Stage 3 review panels on time (children's social care)"}};
  }
  if (c.rule() == "mediation.certificate") {
    return {{"mediation.certificate_on_time",
             "Mediation certificates within 3 working days"}};
  }
  if (c.rule() == "mediation.held") {
    return {{"mediation.held_on_time", "Mediations held within 30 days"}};
  }
  if (absl::StartsWith(c.rule(), "tribunal.order_")) {
    return {{"tribunal.orders_on_time",
             "Tribunal orders complied with on time (reg 44)"}};
  }
  if (c.rule() == "review.meeting_papers") {
    return {{"review.papers_2_weeks",
             "Review papers (invitations, advice) 2 weeks before"}};
  }
  if (c.rule() == "ehc.decision_to_assess") {
    return {{"ehc.decision_6_weeks",
             "Decisions to assess (or not) within 6 weeks"}};
  }
  if (c.rule() == "ehc.final_plan") {
    return {{"ehc.final_plan_20_weeks",
             "Final plans issued within 20 weeks (exceptions excluded)"}};
  }
  if (c.rule() == "ehc.reassessment_final_plan") {
    return {{"ehc.reassessment_final_plan_14_weeks",
             "Re-assessment final plans within 14 weeks"}};
  }
  if (c.rule() == "ehc.no_plan_decision") {
    return {{"ehc.no_plan_decision_16_weeks",
             "Decisions not to issue a plan within 16 weeks"}};
  }
  if (c.rule() == "ehc.advice") {
    std::string type =
        c.measure_subtype().empty() ? "other" : c.measure_subtype();
    std::string readable = type;
    for (char& ch : readable) {
      if (ch == '_') ch = ' ';
    }
    return {
        {"ehc.advice_6_weeks", "Advice received within 6 weeks (all advisers)"},
        {absl::StrCat("ehc.advice_6_weeks.", type),
         absl::StrCat("Advice within 6 weeks: ", readable)}};
  }
  return {};
}

// The fixed order measures are reported in; advice subtypes follow their
// parent.
const std::vector<std::string>& MeasureOrder() {
  static const auto* order =
      new std::vector<std::string>{"ehc.decision_6_weeks",
                                   "ehc.final_plan_20_weeks",
                                   "ehc.reassessment_final_plan_14_weeks",
                                   "ehc.no_plan_decision_16_weeks",
                                   "ehc.advice_6_weeks",
                                   "review.on_time",
                                   "review.decision_4_weeks",
                                   "review.amended_plan_12_weeks",
                                   "review.amended_plan_8_weeks",
                                   "review.phase_transfer_on_time",
                                   "review.papers_2_weeks",
                                   "transport.decided_in_time",
                                   "transport.in_place_for_term",
                                   "transport.stage1_on_time",
                                   "transport.stage2_on_time",
                                   "transport.stage2_outcome_on_time",
                                   "complaints.acknowledged_on_time",
                                   "complaints.stage1_on_time",
                                   "complaints.stage2_on_time",
                                   "complaints.stage3_on_time",
                                   "mediation.certificate_on_time",
                                   "mediation.held_on_time",
                                   "tribunal.orders_on_time"};
  return *order;
}

// The advice measure of each kind of adviser the EHC service records
// (v1.AdviceType: ADVICE_TYPE_HEALTH -> "ehc.advice_6_weeks.health"), in the
// enum's order.
const std::vector<std::string>& AdviceMeasures() {
  static const auto* codes = [] {
    auto* out = new std::vector<std::string>;
    const google::protobuf::EnumDescriptor* e = v1::AdviceType_descriptor();
    constexpr absl::string_view kPrefix = "ADVICE_TYPE_";
    for (int i = 0; i < e->value_count(); ++i) {
      absl::string_view name = e->value(i)->name();
      if (e->value(i)->number() == 0 || !absl::ConsumePrefix(&name, kPrefix)) {
        continue;
      }
      out->push_back(
          absl::StrCat("ehc.advice_6_weeks.", absl::AsciiStrToLower(name)));
    }
    return out;
  }();
  return *codes;
}

bool IsAdviceMeasure(absl::string_view code) {
  const std::vector<std::string>& codes = AdviceMeasures();
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// Whether a clock of `rule` counts toward the measure `code`.
bool CountsToward(const std::string& rule, const std::string& code) {
  v1::ClockChange probe;
  probe.set_rule(rule);
  for (const MeasureDef& def : MeasuresFor(probe)) {
    if (def.code == code) return true;
  }
  return false;
}

// The event counters of a rate measure: (numerator, denominator).
std::optional<std::pair<std::string, std::string>> RateCounters(
    const std::string& code) {
  if (code == "transport.itt_completions") {
    return std::make_pair(kIttCompleted, kIttStarted);
  }
  if (code == "complaints.escalated_to_stage2") {
    return std::make_pair(kComplaintsEscalated, kComplaintsLogged);
  }
  if (code == "complaints.referred_to_ombudsman") {
    return std::make_pair(kComplaintsToOmbudsman, kComplaintsLogged);
  }
  if (code == "disagreements.mediation_to_appeal") {
    return std::make_pair(kAppealsRegistered, kMediationsHeld);
  }
  return std::nullopt;
}

std::string ComputeMeasureName(const std::string& code) {
  v1::ClockChange probe;
  if (absl::StartsWith(code, "ehc.advice_6_weeks.")) {
    probe.set_rule("ehc.advice");
    probe.set_measure_subtype(
        code.substr(std::string("ehc.advice_6_weeks.").size()));
    return MeasuresFor(probe)[1].name;
  }
  for (const char* rule : {"ehc.decision_to_assess",
                           "ehc.final_plan",
                           "ehc.reassessment_final_plan",
                           "ehc.no_plan_decision",
                           "ehc.advice",
                           "review.annual",
                           "review.decision",
                           "review.amended_plan_from_meeting",
                           "review.amended_plan",
                           "review.phase_transfer",
                           "review.meeting_papers",
                           "transport.decision",
                           "transport.in_place",
                           "transport.stage1_review",
                           "transport.stage2_panel",
                           "transport.stage2_outcome",
                           "complaint.acknowledge",
                           "complaint.stage1",
                           "complaint.stage2",
                           "complaint.csc_stage3",
                           "mediation.certificate",
                           "mediation.held",
                           "tribunal.order_assess"}) {
    probe.set_rule(rule);
    std::vector<MeasureDef> defs = MeasuresFor(probe);
    if (!defs.empty() && defs[0].code == code) return defs[0].name;
  }
  return code;
}

// Measure names, computed once per code (a scorecard names every measure of
// every officer). Only codes that have a name are kept, so codes a caller
// makes up cannot grow the table.
std::string MeasureName(const std::string& code) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* names = new absl::flat_hash_map<std::string, std::string>();
  {
    absl::MutexLock lock(&mu);
    if (auto it = names->find(code); it != names->end()) return it->second;
  }
  std::string name = ComputeMeasureName(code);
  if (name != code) {
    absl::MutexLock lock(&mu);
    names->emplace(code, name);
  }
  return name;
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

std::string TimelineLine(absl::string_view type,
                         const v1::EventEnvelopeHeader& e) {
  std::string line = Humanize(type);
  for (const v1::ClockChange& c : e.clocks()) {
    std::string what = RuleName(c.rule());
    if (!c.measure_subtype().empty())
      absl::StrAppend(&what, " (", c.measure_subtype(), ")");
    switch (c.action()) {
      case v1::CLOCK_OPENED:
        absl::StrAppend(&line, "; due ", ToDate(c.due_on()).ToString(), ": ",
                        what);
        break;
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

// The snapshot of the query running on this thread (null outside a query):
// every read of one query sees the store at one moment, so a scorecard never
// mixes figures from before and after a batch.
thread_local const rocksdb::Snapshot* query_snapshot = nullptr;

rocksdb::ReadOptions QueryReadOptions() {
  rocksdb::ReadOptions options;
  options.snapshot = query_snapshot;
  return options;
}

// Scopes a query: takes a snapshot for this thread (or, nested in a query,
// keeps the one it has; or adopts `shared`, the snapshot of the query a
// helper thread works for).
class QuerySnapshot {
 public:
  explicit QuerySnapshot(rocksdb::DB* db) : previous_(query_snapshot) {
    if (previous_ == nullptr) {
      db_ = db;
      query_snapshot = db->GetSnapshot();
    }
  }
  explicit QuerySnapshot(const rocksdb::Snapshot* shared)
      : previous_(query_snapshot) {
    query_snapshot = shared;
  }
  ~QuerySnapshot() {
    if (db_ != nullptr) db_->ReleaseSnapshot(query_snapshot);
    query_snapshot = previous_;
  }
  QuerySnapshot(const QuerySnapshot&) = delete;
  QuerySnapshot& operator=(const QuerySnapshot&) = delete;

 private:
  rocksdb::DB* db_ = nullptr;
  const rocksdb::Snapshot* const previous_;
};

// A fixed number of helper threads that queries share work with (the team
// scorecard's officers). A query never waits for a helper to start: it offers
// the work and does it itself; a helper that takes the offer claims what is
// left. Offers beyond kMaxOffers are dropped (the query does them all), so
// threads and queued work stay bounded under any load.
class HelperPool {
 public:
  explicit HelperPool(int threads) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] {
        SetCurrentThreadName("query-helper");
        Run();
      });
    }
  }
  ~HelperPool() { Stop(); }

  void Offer(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ || offers_.size() >= kMaxOffers) return;
      offers_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
      offers_.clear();
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  static constexpr size_t kMaxOffers = 64;

  void Run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !offers_.empty(); });
        if (stopping_) return;
        task = std::move(offers_.front());
        offers_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> offers_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// An iterator over the keys that start with `prefix`, bounded above so that it
// never walks on through the deleted keys after them (closed clocks leave
// many).
// Iterates the keys below `upper` (exclusive) from where it is Seek()ed, so
// a range scan stops in RocksDB, not after reading the next key.
class Scan {
 public:
  Scan(rocksdb::DB* db, std::string upper) : upper_(std::move(upper)) {
    upper_slice_ = rocksdb::Slice(upper_);
    rocksdb::ReadOptions options = QueryReadOptions();
    options.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(options));
  }
  Scan(const Scan&) = delete;
  Scan& operator=(const Scan&) = delete;
  rocksdb::Iterator* operator->() { return it_.get(); }

 private:
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// The least key above every key with `prefix` (prefixes never end in 0xff
// here: they end in a separator or a letter).
std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

// Iterates the keys that start with a prefix.
class PrefixScan : public Scan {
 public:
  PrefixScan(rocksdb::DB* db, std::string prefix)
      : Scan(db, PrefixEnd(std::move(prefix))) {}
};

std::string Header(const kafka::Message& m, absl::string_view key) {
  for (const kafka::Header& h : m.headers) {
    if (h.key == key) return h.value;
  }
  return "";
}

// The writes of one Apply. Keys read back within the batch (stream states,
// counters, offsets) are kept in an overlay and written once at the end, so a
// key updated by many records of a batch costs one write. The rest are
// recorded in order; Finish() hands RocksDB all of them sorted by key (stably,
// so the operations on one key keep their order): the memtable's skip list
// inserts a sorted run far faster than scattered keys.
struct Batch {
  struct Op {
    std::string key;
    std::string value;
    bool is_delete = false;
    bool dropped = false;  // a Put undone in the same batch (PutNew)
  };
  std::vector<Op> ops;
  // Keys PutNew wrote in this batch (absent before it), by op index.
  absl::flat_hash_map<std::string, size_t> new_keys;
  absl::flat_hash_map<std::string, std::string> overlay;
  // Changes to the outcome counters (Q keys) and holding histories (H keys)
  // of the batch, by day, applied once per key when the batch ends.
  // (Node maps: the values are large, and stay put as the maps grow.)
  absl::node_hash_map<std::string, MonthOutcomes> outcome_deltas;
  absl::node_hash_map<std::string, MonthHolding> held_deltas;
  rocksdb::Status Put(std::string key, std::string value) {
    if (auto fresh = new_keys.find(key); fresh != new_keys.end()) {
      // Written again (e.g. an exception's flag): still absent before the
      // batch, so this Put replaces the first.
      ops[fresh->second].dropped = true;
      fresh->second = ops.size();
    }
    ops.push_back({std::move(key), std::move(value), false});
    return rocksdb::Status::OK();
  }
  // A Put of a key the caller knows was absent before the batch: a Delete of
  // it later in the batch then drops both (a clock opened and closed within
  // a batch writes no worklist key).
  void PutNew(std::string key, std::string value) {
    new_keys[key] = ops.size();
    ops.push_back({std::move(key), std::move(value), false});
  }
  rocksdb::Status Delete(std::string key) {
    if (auto fresh = new_keys.find(key); fresh != new_keys.end()) {
      ops[fresh->second].dropped = true;
      new_keys.erase(fresh);
      return rocksdb::Status::OK();
    }
    ops.push_back({std::move(key), std::string(), true});
    return rocksdb::Status::OK();
  }
  void Set(const std::string& key, std::string value) {
    overlay[key] = std::move(value);
  }
  // The WriteBatch: every operation and the overlay (whose keys are never
  // also written through Put or Delete), in key order; the operations on one
  // key keep their order.
  rocksdb::WriteBatch Finish() const {
    struct Ref {
      absl::string_view key, value;
      bool is_delete;
      size_t seq;
    };
    std::vector<Ref> refs;
    refs.reserve(ops.size() + overlay.size());
    for (const Op& op : ops) {
      if (op.dropped) continue;
      refs.push_back({op.key, op.value, op.is_delete, refs.size()});
    }
    for (const auto& [key, value] : overlay) {
      refs.push_back({key, value, false, refs.size()});
    }
    std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
      const int c = a.key.compare(b.key);
      return c != 0 ? c < 0 : a.seq < b.seq;
    });
    size_t bytes = 64;
    for (const Ref& r : refs) bytes += r.key.size() + r.value.size() + 16;
    rocksdb::WriteBatch writes(bytes);
    for (const Ref& r : refs) {
      const rocksdb::Slice key(r.key.data(), r.key.size());
      if (r.is_delete) {
        writes.Delete(key).PermitUncheckedError();
      } else {
        writes.Put(key, rocksdb::Slice(r.value.data(), r.value.size()))
            .PermitUncheckedError();
      }
    }
    return writes;
  }
};

class RocksProjection final : public Projection {
 public:
  RocksProjection(std::unique_ptr<rocksdb::DB> db, Targets targets)
      : db_(std::move(db)), targets_(std::move(targets)) {}
  ~RocksProjection() override {
    helpers_.Stop();
    db_->Close().PermitUncheckedError();
  }

  absl::StatusOr<int> Apply(const std::vector<kafka::Message>& messages,
                            std::vector<Rejected>* rejected) override {
    std::lock_guard<std::mutex> lock(apply_mu_);
    Batch batch;
    int skipped = 0;
    size_t done = 0;
    for (const kafka::Message& message : messages) {
      if (fault_hook_ && ++done == messages.size() / 2 + 1) {
        fault_hook_(kFaultMidBatch);
      }
      batch.Set(absl::StrCat("O", K({message.topic, BE64(message.partition)})),
                BE64(static_cast<uint64_t>(message.offset + 1)));
      if (message.topic == kDirectoryTopic) {
        std::string why = Directory(message, &batch);
        if (!why.empty()) {
          ++skipped;
          if (rejected != nullptr)
            rejected->push_back({message, std::move(why)});
        }
        continue;
      }
      v1::EventEnvelopeHeader e;
      if (!kafka::DecodeValue(message, &e).ok() ||
          e.metadata().stream_id().empty() || e.metadata().version() < 1) {
        LogWarn("projection: skipped a record that is not a casework event",
                {{"topic", message.topic},
                 {"partition", std::to_string(message.partition)},
                 {"offset", std::to_string(message.offset)}});
        ++skipped;
        continue;
      }
      RETURN_IF_ERROR(Effects(message, e, &batch));
    }
    RETURN_IF_ERROR(FlushCounts(&batch));
    rocksdb::WriteBatch writes = batch.Finish();
    rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &writes);
    RETURN_IF_ERROR(FromRocks(s, "projection write"));
    if (fault_hook_) fault_hook_(kFaultWritten);
    // Written: what the overlay held is now what the database holds.
    for (auto& [key, value] : batch.overlay) {
      auto [it, inserted] = cache_.try_emplace(key);
      if (inserted) {
        cache_bytes_ += key.size() + kCacheEntryOverhead;
      } else {
        cache_bytes_ -= it->second.size();
      }
      cache_bytes_ += value.size();
      it->second = std::move(value);
    }
    if (cache_bytes_ > kCacheBytes) {
      cache_.clear();
      cache_bytes_ = 0;
    }
    applied_ += static_cast<int64_t>(messages.size());
    {
      std::lock_guard<std::mutex> applied_lock(applied_mu_);
      ++apply_generation_;
    }
    applied_cv_.notify_all();
    return skipped;
  }

  absl::StatusOr<std::map<std::pair<std::string, int32_t>, int64_t>> Offsets()
      override {
    std::map<std::pair<std::string, int32_t>, int64_t> out;
    PrefixScan it(db_.get(), "O");
    for (it->Seek("O"); it->Valid() && it->key().starts_with("O"); it->Next()) {
      absl::string_view key = View(it->key()).substr(1);
      size_t nul = key.find('\0');
      if (nul == absl::string_view::npos) continue;
      out[{std::string(key.substr(0, nul)),
           static_cast<int32_t>(FromBE64(key.substr(nul + 1)))}] =
          static_cast<int64_t>(FromBE64(View(it->value())));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read offsets"));
    return out;
  }

  int64_t applied() const override { return applied_.load(); }

  absl::StatusOr<v1::Timeline> GetTimeline(
      const v1::GetTimelineRequest& req) override {
    QuerySnapshot snapshot(db_.get());
    RETURN_IF_ERROR(ValidateId("child_id", req.child_id()));
    if (req.page_size() < 0)
      return FieldError("page_size", "must not be negative");
    const size_t page =
        req.page_size() == 0
            ? 200
            : std::min<size_t>(1000, static_cast<size_t>(req.page_size()));
    const std::string prefix =
        absl::StrCat("T", req.child_id(), std::string(1, '\0'));
    v1::Timeline out;
    out.set_child_id(req.child_id());
    ASSIGN_OR_RETURN(const std::string after,
                     DecodePageToken(req.page_token()));
    PrefixScan it(db_.get(), prefix);
    it->Seek(after.empty() ? prefix : prefix + after);
    if (!after.empty() && it->Valid() && View(it->key()) == prefix + after) {
      it->Next();
    }
    std::string last_key;
    for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (static_cast<size_t>(out.entries_size()) == page) {
        // More remain after the last entry returned.
        out.set_next_page_token(EncodePageToken(last_key));
        break;
      }
      if (!out.add_entries()->ParseFromArray(
              it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("corrupt timeline entry");
      }
      last_key = std::string(View(it->key()).substr(prefix.size()));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read timeline"));
    return out;
  }

  absl::StatusOr<v1::Worklist> GetWorklist(const v1::GetWorklistRequest& req,
                                           Date today) override {
    RETURN_IF_ERROR(ValidateId("officer_id", req.officer_id()));
    QuerySnapshot snapshot(db_.get());
    ASSIGN_OR_RETURN(Date as_of, FromProtoOr("as_of", req.as_of(), today));
    if (req.page_size() < 0)
      return FieldError("page_size", "must not be negative");
    const int page =
        req.page_size() == 0 ? 100 : std::min(1000, req.page_size());
    v1::Worklist out;
    out.set_officer_id(req.officer_id());
    *out.mutable_as_of() = ToProto(as_of);
    const std::string prefix =
        absl::StrCat("W", req.officer_id(), std::string(1, '\0'));
    ASSIGN_OR_RETURN(const std::string after,
                     DecodePageToken(req.page_token()));
    PrefixScan it(db_.get(), prefix);
    bool past_token = after.empty();
    std::string last_key;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      v1::WorklistItem item;
      if (!ParseWorklistValue(View(it->key()).substr(prefix.size()),
                              it->value(), &item)) {
        return absl::DataLossError("corrupt worklist entry");
      }
      const Date due = ToDate(item.due_on());
      // A minimum period (the family's 15 days on a draft) is a date to act
      // after, not a deadline the LA can miss.
      const statutory::ClockRule* rule = statutory::FindRule(item.rule());
      const bool overdue =
          due < as_of && !(rule != nullptr && rule->minimum_period);
      item.set_overdue(overdue);
      item.set_days_overdue(overdue ? due.DaysUntil(as_of) : 0);
      out.set_open_count(out.open_count() + 1);
      if (item.overdue()) out.set_overdue_count(out.overdue_count() + 1);
      const std::string key(View(it->key()).substr(prefix.size()));
      if (!past_token) {
        past_token = key == after;
        continue;
      }
      if (out.items_size() < page) {
        *out.add_items() = std::move(item);
        last_key = key;
      } else if (out.next_page_token().empty()) {
        // More remain after the last item returned.
        out.set_next_page_token(EncodePageToken(last_key));
      }
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read worklist"));
    return out;
  }

  absl::StatusOr<v1::OfficerScorecard> GetOfficerScorecard(
      const v1::GetOfficerScorecardRequest& req) override {
    QuerySnapshot snapshot(db_.get());
    RETURN_IF_ERROR(ValidateId("officer_id", req.officer_id()));
    ASSIGN_OR_RETURN(Period p, ReadPeriod(req.from(), req.to(), req.as_of()));
    ASSIGN_OR_RETURN(v1::OfficerScorecard out, Scorecard(req.officer_id(), p));
    ApplyTargets(&out);
    return out;
  }

  absl::StatusOr<v1::TeamScorecard> GetTeamScorecard(
      const v1::GetTeamScorecardRequest& req) override {
    QuerySnapshot snapshot(db_.get());
    RETURN_IF_ERROR(ValidateId("team_id", req.team_id()));
    ASSIGN_OR_RETURN(Period p, ReadPeriod(req.from(), req.to(), req.as_of()));
    v1::TeamScorecard out;
    out.set_team_id(req.team_id());
    std::string team;
    if (db_->Get(QueryReadOptions(), absl::StrCat("G", req.team_id()), &team)
            .ok()) {
      v1::Team t;
      if (t.ParseFromString(team)) out.set_team_name(t.name());
    }
    const std::vector<std::string> members = TeamMembers(req.team_id());
    if (members.empty() && out.team_name().empty()) {
      return absl::NotFoundError(absl::StrCat(
          "team_id: no team ", req.team_id(), " in the directory"));
    }
    v1::OfficerScorecard* totals = out.mutable_totals();
    totals->set_officer_id(req.team_id());
    *totals->mutable_from() = ToProto(p.from);
    *totals->mutable_to() = ToProto(p.to);
    *totals->mutable_as_of() = ToProto(p.as_of);
    // The officers' scorecards: this thread works through them and offers a
    // helper thread the rest (bounded pool; see HelperPool), both reading the
    // same snapshot.
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
    shared->snapshot = query_snapshot;
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
    for (absl::StatusOr<v1::OfficerScorecard>& card : shared->cards) {
      if (!card.ok()) return card.status();
      AddInto(*card, totals);
      ApplyTargets(&*card);
      *out.add_officers() = std::move(*card);
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
    if (!req.sort_by().empty()) {
      bool known = false;
      for (const v1::Measure& m : totals->measures()) {
        known = known || m.code() == req.sort_by();
      }
      if (!known) {
        return FieldError("sort_by", absl::StrCat("'", req.sort_by(),
                                                  "' is not a measure code"));
      }
    }
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

  absl::StatusOr<v1::ExceptionReport> GetExceptionReport(
      const v1::GetExceptionReportRequest& req) override {
    QuerySnapshot snapshot(db_.get());
    ASSIGN_OR_RETURN(std::vector<std::string> officers,
                     OfficersOf(req.officer_id(), req.team_id()));
    RETURN_IF_ERROR(CheckMeasure(req.measure()));
    ASSIGN_OR_RETURN(Period p, ReadPeriod(req.from(), req.to(), req.as_of()));
    if (req.page_size() < 0)
      return FieldError("page_size", "must not be negative");
    const size_t limit =
        req.page_size() == 0
            ? 200
            : std::min<size_t>(1000, static_cast<size_t>(req.page_size()));
    v1::ExceptionReport out;
    out.set_measure(req.measure());
    out.set_name(MeasureName(req.measure()));
    std::vector<v1::ExceptionItem> missed, open;
    const std::string lo = absl::StrCat(p.from.ToYyyymmdd());
    const std::string hi = absl::StrCat(p.to.ToYyyymmdd());
    for (const std::string& officer : officers) {
      const std::string prefix =
          absl::StrCat("X", K({officer, req.measure(), ""}));
      PrefixScan it(db_.get(), prefix);
      for (it->Seek(prefix + lo); it->Valid(); it->Next()) {
        absl::string_view day = View(it->key()).substr(prefix.size(), 8);
        if (day > hi) break;
        v1::ExceptionItem x;
        if (x.ParseFromArray(it->value().data(),
                             static_cast<int>(it->value().size()))) {
          missed.push_back(std::move(x));
        }
      }
      RETURN_IF_ERROR(FromRocks(it->status(), "read exceptions"));
      // Open clocks of this measure past their due date on as_of.
      const std::string wprefix =
          absl::StrCat("W", officer, std::string(1, '\0'));
      PrefixScan w(db_.get(), wprefix);
      for (w->Seek(wprefix); w->Valid(); w->Next()) {
        v1::WorklistItem item;
        if (!ParseWorklistValue(View(w->key()).substr(wprefix.size()),
                                w->value(), &item) ||
            item.exception()) {
          continue;
        }
        const Date due = ToDate(item.due_on());
        const statutory::ClockRule* rule = statutory::FindRule(item.rule());
        if (!(due < p.as_of) || (rule != nullptr && rule->minimum_period)) {
          continue;
        }
        if (!CountsToward(item.rule(), req.measure())) continue;
        v1::ExceptionItem x;
        x.set_officer_id(officer);
        x.set_child_id(item.child_id());
        x.set_source(item.source());
        x.set_stream_id(item.stream_id());
        x.set_clock_id(item.clock_id());
        x.set_rule(item.rule());
        *x.mutable_started_on() = item.started_on();
        *x.mutable_due_on() = item.due_on();
        x.set_days_late(due.DaysUntil(p.as_of));
        x.set_open(true);
        open.push_back(std::move(x));
      }
      RETURN_IF_ERROR(FromRocks(w->status(), "read worklist"));
    }
    auto by = [](const v1::Date& a, const v1::Date& b) {
      return ToDate(a) < ToDate(b);
    };
    std::stable_sort(missed.begin(), missed.end(),
                     [&](const auto& a, const auto& b) {
                       return by(a.closed_on(), b.closed_on());
                     });
    std::stable_sort(open.begin(), open.end(),
                     [&](const auto& a, const auto& b) {
                       return by(a.due_on(), b.due_on());
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

  absl::StatusOr<v1::Trend> GetTrend(const v1::GetTrendRequest& req,
                                     Date today) override {
    QuerySnapshot snapshot(db_.get());
    ASSIGN_OR_RETURN(std::vector<std::string> officers,
                     OfficersOf(req.officer_id(), req.team_id()));
    RETURN_IF_ERROR(CheckMeasure(req.measure()));
    if (req.months() < 0 || req.months() > 36)
      return FieldError("months", "must be from 1 to 36");
    const int months = req.months() == 0 ? 12 : req.months();
    ASSIGN_OR_RETURN(Date to, FromProtoOr("to", req.to(), today));
    // Clock measures count from their own counters; rates from two.
    std::string numerator_code = req.measure(), denominator_code;
    if (auto rate = RateCounters(req.measure())) {
      numerator_code = rate->first;
      denominator_code = rate->second;
    }
    const int last = to.year() * 12 + to.month() - 1;
    const int first = last - months + 1;
    std::vector<std::pair<int64_t, int64_t>> buckets(
        static_cast<size_t>(months));  // (met, missed) or (num, den)
    // A measure's monthly rollups (Q) of the months first..last.
    auto scan = [&](const std::string& officer, const std::string& code,
                    bool numerator_only, bool as_denominator) -> absl::Status {
      std::string v;
      for (int month = first; month <= last; ++month) {
        rocksdb::Status s = db_->Get(
            QueryReadOptions(),
            absl::StrCat("Q", K({officer, MonthKey(month), code})), &v);
        if (s.IsNotFound()) continue;
        RETURN_IF_ERROR(FromRocks(s, "read outcomes"));
        auto& b = buckets[static_cast<size_t>(month - first)];
        const auto [met, missed, excluded] = MonthTotals<3>(v);
        if (as_denominator) {
          b.second += met;
        } else {
          b.first += met;
          if (!numerator_only) b.second += met + missed;
        }
      }
      return absl::OkStatus();
    };
    // Figures on a date (the review backlog of active plans; complaints per
    // 100 cases of the caseload): a past month's point is the figure at its
    // end, the current month's the figure today.
    const bool backlog = req.measure() == "review.backlog";
    const bool per_100 = req.measure() == "complaints.per_100_cases";
    if (backlog || per_100) {
      const int current = MonthIndex(today);
      for (const std::string& officer : officers) {
        if (per_100) {
          RETURN_IF_ERROR(scan(officer, kComplaintsLogged, true, false));
        }
        std::vector<std::array<int64_t, kHeldSlots>> ends;
        if (first < current) {
          RETURN_IF_ERROR(
              MonthEnds(officer, first, std::min(last, current - 1), &ends));
        }
        if (first <= current && current <= last) {
          ASSIGN_OR_RETURN(const auto now, HeldOn(officer, today));
          ends.push_back(now);
        }
        for (size_t i = 0; i < ends.size(); ++i) {
          if (backlog) {
            buckets[i].first += ends[i][kBacklog];
            buckets[i].second += ends[i][kActive];
          } else {
            buckets[i].second += ends[i][kCaseload];
          }
        }
      }
    } else {
      for (const std::string& officer : officers) {
        RETURN_IF_ERROR(
            scan(officer, numerator_code, !denominator_code.empty(), false));
        if (!denominator_code.empty()) {
          RETURN_IF_ERROR(scan(officer, denominator_code, false, true));
        }
      }
    }
    v1::Trend out;
    out.set_measure(req.measure());
    out.set_name(MeasureName(req.measure()));
    const MeasureTarget target = TargetOf(req.measure());
    out.set_target(target.target);
    for (int i = 0; i < months; ++i) {
      v1::TrendPoint* point = out.add_points();
      point->set_year((first + i) / 12);
      point->set_month((first + i) % 12 + 1);
      const auto& b = buckets[static_cast<size_t>(i)];
      point->set_numerator(b.first);
      point->set_denominator(b.second);
      point->set_percent(b.second == 0 ? 0.0
                                       : 100.0 * static_cast<double>(b.first) /
                                             static_cast<double>(b.second));
      point->set_rag(Rate(target, point->percent(), b.second));
    }
    return out;
  }

  absl::Status Compact() override {
    rocksdb::CompactRangeOptions options;
    options.bottommost_level_compaction =
        rocksdb::BottommostLevelCompaction::kForce;
    return FromRocks(db_->CompactRange(options, nullptr, nullptr),
                     "projection compaction");
  }

  int64_t AppliedVersion(const std::string& source,
                         const std::string& stream_id) override {
    std::string value;
    internal::StreamState state;
    if (!db_->Get(rocksdb::ReadOptions(),
                  absl::StrCat("S", K({SourceCode(source), stream_id})), &value)
             .ok() ||
        !state.ParseFromString(value)) {
      return 0;
    }
    return state.applied_version();
  }

  bool WaitForApplied(const std::string& source, const std::string& stream_id,
                      int64_t version, absl::Duration timeout) override {
    const auto deadline =
        std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
    std::unique_lock<std::mutex> lock(applied_mu_);
    for (;;) {
      const uint64_t generation = apply_generation_;
      lock.unlock();
      if (AppliedVersion(source, stream_id) >= version) return true;
      lock.lock();
      if (!applied_cv_.wait_until(lock, deadline, [&] {
            return apply_generation_ != generation;
          })) {
        return false;
      }
    }
  }

  void SetFaultHookForTesting(
      std::function<void(const char* point)> hook) override {
    std::lock_guard<std::mutex> lock(apply_mu_);
    fault_hook_ = std::move(hook);
  }

  std::vector<std::string> TeamMembers(const std::string& team_id) override {
    std::vector<std::string> out;
    PrefixScan it(db_.get(), "D");
    for (it->Seek("D"); it->Valid(); it->Next()) {
      v1::Officer officer;
      if (officer.ParseFromArray(it->value().data(),
                                 static_cast<int>(it->value().size())) &&
          officer.team_id() == team_id) {
        out.push_back(officer.officer_id());
      }
    }
    return out;
  }

 private:
  struct Period {
    Date from, to, as_of;
  };

  // INVALID_ARGUMENT naming measure unless `code` is a measure a scorecard
  // lists (or a trend-only figure): a typo must not answer "0 cases".
  absl::Status CheckMeasure(const std::string& code) {
    if (code.empty()) return FieldError("measure", "is required");
    std::call_once(measures_once_, [this] {
      // The codes of an empty scorecard: every measure, counted or not.
      const Date day = Date::Ymd(2026, 1, 1);
      absl::StatusOr<v1::OfficerScorecard> card =
          Scorecard("\x01none", Period{day, day, day});
      if (card.ok()) {
        for (const v1::Measure& m : card->measures()) {
          measure_codes_.insert(m.code());
        }
      }
      measure_codes_.insert("review.backlog");
      measure_codes_.insert("complaints.per_100_cases");
    });
    if (measure_codes_.contains(code)) return absl::OkStatus();
    return FieldError("measure",
                      absl::StrCat("'", absl::CHexEscape(code.substr(0, 64)),
                                   "' is not a measure code (a scorecard lists "
                                   "them, e.g. ehc.final_plan_20_weeks)"));
  }
  struct Counts {
    int64_t met = 0, missed = 0, excluded = 0;
  };
  // Outcome counts by measure code (looked up by string_view).
  using OutcomeCounts = std::map<std::string, Counts, std::less<>>;

  // Adds a Q value's month totals.
  static void AddCounts(absl::string_view v, Counts* c) {
    const auto totals = MonthTotals<3>(v);
    c->met += totals[0];
    c->missed += totals[1];
    c->excluded += totals[2];
  }

  // Sums an officer's outcome counters for [from, to] in one range scan of
  // the months' counters (Q): a whole month from its totals, a month at
  // either end that the period covers in part from its days.
  absl::Status SumOutcomes(const std::string& officer, Date from, Date to,
                           OutcomeCounts* counts) {
    const std::string base = absl::StrCat("Q", officer, std::string(1, '\0'));
    const int first = MonthIndex(from), last = MonthIndex(to);
    const bool to_is_month_end = to.AddDays(1).month() != to.month();
    Scan it(db_.get(), base + MonthKey(last + 1));
    MonthOutcomes days;
    for (it->Seek(base + MonthKey(first)); it->Valid(); it->Next()) {
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
        AddCounts(value, &c);
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

  // An officer's holding at the end of each of the months `first` to `last`
  // (indexes; HeldOn of each month's last day): the running sums of the H
  // keys' month totals.
  absl::Status MonthEnds(const std::string& officer, int first, int last,
                         std::vector<std::array<int64_t, kHeldSlots>>* out) {
    out->assign(static_cast<size_t>(last - first + 1), {});
    const std::string prefix = absl::StrCat("H", officer, std::string(1, '\0'));
    std::array<int64_t, kHeldSlots> running{};
    std::vector<std::array<int64_t, kHeldSlots>> changes(out->size());
    Scan it(db_.get(), prefix + MonthKey(last + 1));
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

  static absl::StatusOr<Period> ReadPeriod(const v1::Date& from_p,
                                           const v1::Date& to_p,
                                           const v1::Date& as_of_p) {
    Period p;
    ASSIGN_OR_RETURN(p.from, FromProto("from", from_p));
    ASSIGN_OR_RETURN(p.to, FromProto("to", to_p));
    if (p.to < p.from) return FieldError("to", "is before from");
    ASSIGN_OR_RETURN(p.as_of, FromProtoOr("as_of", as_of_p, p.to));
    return p;
  }

  absl::StatusOr<std::vector<std::string>> OfficersOf(
      const std::string& officer_id, const std::string& team_id) {
    if (officer_id.empty() == team_id.empty()) {
      return FieldError("officer_id",
                        "give exactly one of officer_id and team_id");
    }
    if (!officer_id.empty()) {
      RETURN_IF_ERROR(ValidateId("officer_id", officer_id));
      return std::vector<std::string>{officer_id};
    }
    RETURN_IF_ERROR(ValidateId("team_id", team_id));
    std::vector<std::string> members = TeamMembers(team_id);
    if (members.empty()) {
      return absl::NotFoundError(absl::StrCat("team_id: no officers of team ",
                                              team_id, " in the directory"));
    }
    return members;
  }

  MeasureTarget TargetOf(const std::string& code) const {
    auto it = targets_.find(code);
    if (it != targets_.end()) return it->second;
    // Advice by adviser type: the advice target.
    if (absl::StartsWith(code, "ehc.advice_6_weeks.")) {
      it = targets_.find("ehc.advice_6_weeks");
      if (it != targets_.end()) return it->second;
    }
    return MeasureTarget{};
  }

  static v1::Rag Rate(const MeasureTarget& t, double value,
                      int64_t denominator) {
    if (denominator == 0 && !t.lower_is_better) return v1::RAG_NO_DATA;
    if (t.lower_is_better) {
      if (value <= t.target) return v1::RAG_GREEN;
      return value <= t.target + t.amber_margin ? v1::RAG_AMBER : v1::RAG_RED;
    }
    if (value >= t.target) return v1::RAG_GREEN;
    return value >= t.target - t.amber_margin ? v1::RAG_AMBER : v1::RAG_RED;
  }

  void ApplyTargets(v1::OfficerScorecard* card) const {
    for (v1::Measure& m : *card->mutable_measures()) {
      const MeasureTarget t = TargetOf(m.code());
      if (t.target == 0 && t.amber_margin == 0 && !t.lower_is_better) {
        continue;  // no target for this measure
      }
      m.set_target(t.target);
      m.set_lower_is_better(t.lower_is_better);
      m.set_rag(Rate(t, m.percent(), m.denominator()));
    }
  }

  // Adds an officer's figures into the team's.
  static void AddInto(const v1::OfficerScorecard& card,
                      v1::OfficerScorecard* totals) {
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
    totals->set_review_backlog(totals->review_backlog() +
                               card.review_backlog());
  }

  static void Recompute(v1::OfficerScorecard* totals) {
    for (v1::Measure& m : *totals->mutable_measures()) {
      m.set_percent(m.denominator() == 0
                        ? 0.0
                        : 100.0 * static_cast<double>(m.numerator()) /
                              static_cast<double>(m.denominator()));
    }
    totals->set_review_backlog_percent(
        totals->active_plans() == 0
            ? 0.0
            : 100.0 * static_cast<double>(totals->review_backlog()) /
                  static_cast<double>(totals->active_plans()));
  }

  // An officer's holding on a day: open and overdue items, active plans,
  // review backlog, caseload (HeldSlot order): the sum of the H keys' changes
  // dated up to that day, whole months from their totals.
  absl::StatusOr<std::array<int64_t, kHeldSlots>> HeldOn(
      const std::string& officer, Date on) {
    std::array<int64_t, kHeldSlots> held{};
    const std::string prefix = absl::StrCat("H", officer, std::string(1, '\0'));
    const int month = MonthIndex(on);
    const std::string on_month = MonthKey(month);
    Scan it(db_.get(), prefix + MonthKey(month + 1));
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

  absl::StatusOr<v1::OfficerScorecard> Scorecard(const std::string& officer,
                                                 const Period& p) {
    const Date from = p.from, to = p.to, as_of = p.as_of;
    v1::OfficerScorecard out;
    out.set_officer_id(officer);
    *out.mutable_from() = ToProto(from);
    *out.mutable_to() = ToProto(to);
    *out.mutable_as_of() = ToProto(as_of);

    OutcomeCounts counts;
    RETURN_IF_ERROR(SumOutcomes(officer, from, to, &counts));
    auto add = [&](const std::string& code, const Counts& c) {
      v1::Measure* m = out.add_measures();
      m->set_code(code);
      m->set_name(MeasureName(code));
      m->set_numerator(c.met);
      m->set_denominator(c.met + c.missed);
      m->set_percent(
          c.met + c.missed == 0 ? 0.0 : 100.0 * c.met / (c.met + c.missed));
      m->set_excluded(c.excluded);
    };
    for (const std::string& code : MeasureOrder()) {
      add(code, counts[code]);
      if (code == "ehc.advice_6_weeks") {
        // Every kind of adviser, so officers' scorecards line up side by
        // side; then any kind this build does not know, as counted.
        for (const std::string& sub : AdviceMeasures()) add(sub, counts[sub]);
        for (const auto& [sub, c] : counts) {
          if (absl::StartsWith(sub, "ehc.advice_6_weeks.") &&
              !IsAdviceMeasure(sub)) {
            add(sub, c);
          }
        }
      }
    }
    // Rates from event counts (not clocks).
    auto rate = [&](const char* code, const char* name, int64_t numerator,
                    int64_t denominator) {
      v1::Measure* m = out.add_measures();
      m->set_code(code);
      m->set_name(name);
      m->set_numerator(numerator);
      m->set_denominator(denominator);
      m->set_percent(denominator == 0 ? 0.0
                                      : 100.0 * static_cast<double>(numerator) /
                                            static_cast<double>(denominator));
    };
    rate("transport.itt_completions",
         "Independent travel training completed (of started)",
         counts[kIttCompleted].met, counts[kIttStarted].met);
    rate("complaints.escalated_to_stage2",
         "Complaints escalated to the next stage (of logged)",
         counts[kComplaintsEscalated].met, counts[kComplaintsLogged].met);
    rate("complaints.referred_to_ombudsman",
         "Complaints referred to the Ombudsman (of logged)",
         counts[kComplaintsToOmbudsman].met, counts[kComplaintsLogged].met);
    rate("disagreements.mediation_to_appeal",
         "Tribunal appeals registered (of mediations held)",
         counts[kAppealsRegistered].met, counts[kMediationsHeld].met);
    ASSIGN_OR_RETURN(const auto held, HeldOn(officer, as_of));
    out.set_open_items(held[kOpen]);
    out.set_overdue_items(held[kOverdue]);
    out.set_active_plans(held[kActive]);
    out.set_review_backlog(held[kBacklog]);
    out.set_review_backlog_percent(
        held[kActive] == 0 ? 0.0
                           : 100.0 * static_cast<double>(held[kBacklog]) /
                                 static_cast<double>(held[kActive]));
    v1::Measure* b = out.add_measures();
    b->set_code("review.backlog");
    b->set_name("Review backlog (active plans overdue for review)");
    b->set_numerator(held[kBacklog]);
    b->set_denominator(held[kActive]);
    b->set_percent(out.review_backlog_percent());
    out.set_caseload(held[kCaseload]);
    // Complaints logged in the period per 100 cases of the caseload.
    rate("complaints.per_100_cases", "Complaints per 100 open cases",
         counts[kComplaintsLogged].met, out.caseload());
    return out;
  }

  std::vector<std::string> TeamsOf(const std::string& officer_id) override {
    std::string value;
    v1::Officer officer;
    if (!db_->Get(QueryReadOptions(), absl::StrCat("D", officer_id), &value)
             .ok() ||
        !officer.ParseFromString(value) || officer.team_id().empty()) {
      return {};
    }
    return {officer.team_id()};
  }

 private:
  // A directory record: the latest for an id wins. Returns why a record is
  // not valid (empty when it is): it is then skipped, never fatal.
  std::string Directory(const kafka::Message& message, Batch* batch) {
    v1::DirectoryRecord record;
    std::string why;
    if (absl::Status s = kafka::DecodeValue(message, &record); !s.ok()) {
      why = std::string(s.message());
    } else if (record.has_officer()) {
      const v1::Officer& o = record.officer();
      if (absl::Status s = ValidateId("officer_id", o.officer_id()); !s.ok()) {
        why = std::string(s.message());
      } else if (!o.team_id().empty() &&
                 !ValidateId("team_id", o.team_id()).ok()) {
        why = "team_id: not a valid id";
      } else {
        batch->Put(absl::StrCat("D", o.officer_id()), o.SerializeAsString())
            .PermitUncheckedError();
      }
    } else if (record.has_team()) {
      if (absl::Status s = ValidateId("team_id", record.team().team_id());
          !s.ok()) {
        why = std::string(s.message());
      } else {
        batch
            ->Put(absl::StrCat("G", record.team().team_id()),
                  record.team().SerializeAsString())
            .PermitUncheckedError();
      }
    } else {
      why = "neither an officer nor a team";
    }
    if (!why.empty()) {
      LogWarn("projection: skipped an invalid directory record",
              {{"partition", std::to_string(message.partition)},
               {"offset", std::to_string(message.offset)},
               {"why", why}});
    }
    return why;
  }

  // The value of a key Apply reads back, as this batch has it so far: from
  // the batch, the cache or RocksDB (read into *scratch). Null when absent.
  // The pointer is good until the batch or the cache next changes.
  absl::StatusOr<const std::string*> Get(Batch* batch, const std::string& key,
                                         std::string* scratch) {
    auto pending = batch->overlay.find(key);
    if (pending != batch->overlay.end()) return &pending->second;
    auto cached = cache_.find(key);
    if (cached != cache_.end()) return &cached->second;
    rocksdb::Status s = db_->Get(QueryReadOptions(), key, scratch);
    if (s.IsNotFound()) return nullptr;
    RETURN_IF_ERROR(FromRocks(s, "projection read"));
    return scratch;
  }

  absl::Status Effects(const kafka::Message& message,
                       const v1::EventEnvelopeHeader& e, Batch* batch) {
    const v1::EventMetadata& m = e.metadata();
    const std::string source = m.source().empty() ? message.topic : m.source();
    // One read gives everything needed: the last version applied (events of a
    // stream arrive in order, so a version not above it is a re-delivery or a
    // re-publish), the officer responsible and the open clocks.
    const std::string stream_key =
        absl::StrCat("S", K({SourceCode(source), m.stream_id()}));
    std::string scratch;
    ASSIGN_OR_RETURN(const std::string* stored,
                     Get(batch, stream_key, &scratch));
    internal::StreamState state;
    if (stored != nullptr && !state.ParseFromString(*stored)) {
      return absl::DataLossError(
          absl::StrCat("corrupt stream state for ", m.stream_id()));
    }
    if (m.version() <= state.applied_version()) return absl::OkStatus();
    if (m.version() != state.applied_version() + 1) {
      LogWarn("projection: stream has a gap (earlier events not on the topic)",
              {{"stream", m.stream_id()},
               {"applied", std::to_string(state.applied_version())},
               {"version", std::to_string(m.version())}});
    }

    std::string type = Header(message, "ce_type");
    type = type.substr(type.rfind('.') + 1);

    // Timeline.
    v1::TimelineEntry entry;
    *entry.mutable_occurred_on() = m.occurred_on();
    *entry.mutable_recorded_at() = m.recorded_at();
    entry.set_source(source);
    entry.set_stream_id(m.stream_id());
    entry.set_event_type(type);
    entry.set_event_id(m.event_id());
    entry.set_officer_id(m.officer_id());
    entry.set_position(m.position());
    entry.set_line(TimelineLine(type, e));
    batch->Put(
        absl::StrCat("T",
                     K({m.child_id(),
                        absl::StrCat(Ymd(m.occurred_on()), SourceCode(source)),
                        BE64(m.position())})),
        entry.SerializeAsString());

    // A change of officer moves every open clock of the stream.
    const std::string previous_officer = state.officer_id();
    const bool was_open = !state.open_clocks().empty();
    // The stream's open clocks, worked on in place (a stream has a few).
    auto* open = state.mutable_open_clocks();
    auto find = [&](const std::string& clock_id) {
      for (int i = 0; i < open->size(); ++i) {
        if (open->Get(i).clock_id() == clock_id) return i;
      }
      return -1;
    };
    auto wkey = [&](const std::string& officer, const v1::WorklistItem& item) {
      return absl::StrCat(
          "W", K({officer, absl::StrCat(Ymd(item.due_on()), m.stream_id()),
                  item.clock_id()}));
    };
    const std::string& officer = m.officer_id();
    const Date occurred = ToDate(m.occurred_on());
    if (!previous_officer.empty() && previous_officer != officer) {
      for (const v1::WorklistItem& item : *open) {
        batch->Delete(wkey(previous_officer, item));
        batch->Put(wkey(officer, item),
                   WorklistValue(item, m.child_id(), source));
        LetGo(batch, previous_officer, item, &state, occurred);
        TakeOn(batch, officer, item, &state, occurred);
      }
    }
    for (const v1::ClockChange& c : e.clocks()) {
      switch (c.action()) {
        case v1::CLOCK_OPENED: {
          v1::WorklistItem item;  // slim: see WorklistValue
          item.set_clock_id(c.clock_id());
          item.set_rule(c.rule());
          *item.mutable_started_on() = c.started_on();
          *item.mutable_due_on() = c.due_on();
          item.set_exception(c.exception());
          const int again = find(c.clock_id());
          if (again >= 0) {
            // Opened again while open: the new due date replaces the old.
            const v1::WorklistItem& old = open->Get(again);
            batch->Delete(wkey(officer, old));
            LetGo(batch, officer, old, &state, occurred);
          }
          if (again >= 0) {
            batch->Put(wkey(officer, item),
                       WorklistValue(item, m.child_id(), source));
          } else {
            // Not open before: no worklist key of it exists.
            batch->PutNew(wkey(officer, item),
                          WorklistValue(item, m.child_id(), source));
          }
          TakeOn(batch, officer, item, &state, occurred);
          *(again >= 0 ? open->Mutable(again) : open->Add()) = std::move(item);
          break;
        }
        case v1::CLOCK_EXCEPTION_APPLIED: {
          const int i = find(c.clock_id());
          if (i < 0) break;
          v1::WorklistItem* item = open->Mutable(i);
          item->set_exception(true);
          batch->Put(wkey(officer, *item),
                     WorklistValue(*item, m.child_id(), source));
          break;
        }
        case v1::CLOCK_MET:
        case v1::CLOCK_MISSED:
        case v1::CLOCK_CANCELLED: {
          if (const int i = find(c.clock_id()); i >= 0) {
            const v1::WorklistItem& item = open->Get(i);
            batch->Delete(wkey(officer, item));
            LetGo(batch, officer, item, &state, occurred);
            open->SwapElements(i, open->size() - 1);
            open->RemoveLast();
          }
          if (c.action() == v1::CLOCK_CANCELLED) break;
          for (const MeasureDef& def : MeasuresFor(c)) {
            RETURN_IF_ERROR(Count(batch, officer, def.code, c));
            if (c.action() == v1::CLOCK_MISSED && !c.exception()) {
              // The case behind the figure, for the exception report.
              v1::ExceptionItem x;
              x.set_officer_id(officer);
              x.set_child_id(m.child_id());
              x.set_source(source);
              x.set_stream_id(m.stream_id());
              x.set_clock_id(c.clock_id());
              x.set_rule(c.rule());
              *x.mutable_started_on() = c.started_on();
              *x.mutable_due_on() = c.due_on();
              *x.mutable_closed_on() = c.closed_on();
              x.set_days_late(c.days_late());
              batch
                  ->Put(absl::StrCat("X",
                                     K({officer, def.code, Ymd(c.closed_on()),
                                        source, m.stream_id(), c.clock_id()})),
                        x.SerializeAsString())
                  .PermitUncheckedError();
            }
          }
          break;
        }
        default:
          break;
      }
    }
    if (const char* counter = EventCounter(type)) {
      v1::ClockChange event_count;
      event_count.set_action(v1::CLOCK_MET);
      *event_count.mutable_closed_on() = m.occurred_on();
      RETURN_IF_ERROR(Count(batch, officer, counter, event_count));
    }
    state.set_applied_version(m.version());
    state.set_officer_id(officer);
    state.set_child_id(m.child_id());
    batch->Set(stream_key, state.SerializeAsString());
    // Caseload: an officer's open streams per child change only when a
    // stream opens or closes (or changes hands).
    const bool is_open = !state.open_clocks().empty();
    const bool moved = !previous_officer.empty() && previous_officer != officer;
    const std::string& child = m.child_id();
    if (moved) {
      if (was_open) {
        RETURN_IF_ERROR(CaseChange(batch, previous_officer, child, stream_key,
                                   false, occurred));
      }
      if (is_open) {
        RETURN_IF_ERROR(
            CaseChange(batch, officer, child, stream_key, true, occurred));
      }
    } else if (was_open != is_open) {
      RETURN_IF_ERROR(
          CaseChange(batch, officer, child, stream_key, is_open, occurred));
    }
    return absl::OkStatus();
  }

  // Holding histories, for the figures on any date (open and overdue items,
  // active plans, review backlog, caseload). Each officer's holding of an
  // open clock, or of a child's case, is an interval of days [taken on, let
  // go); a clock counts as overdue from the day after it is due, if still
  // held then. What is held on a day is what was taken on by then less what
  // was let go by then, so the H keys hold each month's changes by day
  // (signed), and a figure on a day is their sum up to it: a few writes per
  // interval, however long, and no later event changes an earlier day's
  // figure unless it is dated before it.
  // The changes of `officer`'s holding on day `on`.
  std::array<int64_t, kHeldSlots>& Held(Batch* batch,
                                        const std::string& officer, Date on) {
    MonthHolding& days = batch->held_deltas[absl::StrCat(
        "H", K({officer, MonthKey(MonthIndex(on))}))];
    return days[static_cast<size_t>(on.day())];
  }
  // Changes `officer`'s holding of an open clock taken on `taken` by `delta`
  // from `on` (the take-on day, or the day it is let go).
  void HoldClock(Batch* batch, const std::string& officer,
                 const v1::WorklistItem& item, Date taken, Date on, int delta) {
    const uint8_t flags = WorklistFlags(item);
    const bool review = (flags & kReviewDueFlag) != 0;
    auto& held = Held(batch, officer, on);
    held[kOpen] += delta;
    if (review) held[kActive] += delta;
    // Overdue from the day after it is due; let go before that, it never
    // was (the change then lands on that day and cancels the take-on's).
    const bool can_be_late = (flags & kMinimumPeriod) == 0;
    if (!can_be_late && !review) return;
    const v1::Date& d = item.due_on();
    absl::StatusOr<Date> due = Date::FromYmd(d.year(), d.month(), d.day());
    if (!due.ok()) return;
    const Date from = std::max(on, std::max(taken, due->AddDays(1)));
    auto& late = Held(batch, officer, from);
    if (can_be_late) late[kOverdue] += delta;
    if (review) late[kBacklog] += delta;
  }
  // An open clock becomes `officer`'s on `on` (opened, or moved to them).
  void TakeOn(Batch* batch, const std::string& officer,
              const v1::WorklistItem& item, internal::StreamState* state,
              Date on) {
    (*state->mutable_held_since())[item.clock_id()] = on.ToYyyymmdd();
    HoldClock(batch, officer, item, on, on, +1);
  }
  // ... and stops being theirs on `on` (closed, or moved to another).
  void LetGo(Batch* batch, const std::string& officer,
             const v1::WorklistItem& item, internal::StreamState* state,
             Date on) {
    auto since = state->held_since().find(item.clock_id());
    if (since == state->held_since().end()) return;
    absl::StatusOr<Date> taken = FromDay(since->second);
    state->mutable_held_since()->erase(item.clock_id());
    if (!taken.ok()) return;
    // An event dated before the take-on lets go on the take-on day.
    HoldClock(batch, officer, item, *taken, std::max(*taken, on), -1);
  }

  // The officer starts (`held`) or stops holding a stream of a child on
  // `on`. The child is in their caseload on the days of the union of their
  // holdings of its streams (C value), so the caseload changes (H keys) are
  // the union's change days after this less those before.
  absl::Status CaseChange(Batch* batch, const std::string& officer,
                          const std::string& child, const std::string& stream,
                          bool held, Date on) {
    const std::string key = absl::StrCat("C", K({officer, child}));
    std::string scratch;
    ASSIGN_OR_RETURN(const std::string* stored, Get(batch, key, &scratch));
    internal::CaseHolding holding;
    if (stored != nullptr && !holding.ParseFromString(*stored)) {
      return absl::DataLossError(
          absl::StrCat("corrupt caseload of ", officer, " for ", child));
    }
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
      absl::StatusOr<Date> d = FromDay(yyyymmdd);
      if (d.ok()) Held(batch, officer, *d)[kCaseload] += change;
    }
    batch->Set(key, holding.SerializeAsString());
    return absl::OkStatus();
  }

  // Adds `sign` times the change days of the union of `holding`'s intervals
  // (+1 where a run of held days starts, -1 where it ends) to `changes`.
  static void UnionChanges(const internal::CaseHolding& holding, int sign,
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

  // Adds the batch's count changes to the stored counts.
  absl::Status FlushCounts(Batch* batch) {
    RETURN_IF_ERROR(AddDays(batch, batch->outcome_deltas));
    return AddDays(batch, batch->held_deltas);
  }

  template <size_t N>
  absl::Status AddDays(
      Batch* batch,
      const absl::node_hash_map<std::string, DayCounts<N>>& deltas) {
    std::string scratch;
    for (const auto& [key, delta] : deltas) {
      ASSIGN_OR_RETURN(const std::string* stored, Get(batch, key, &scratch));
      DayCounts<N> days{};
      if (stored != nullptr && !DecodeDays(*stored, &days)) {
        return absl::DataLossError(
            absl::StrCat("corrupt counters under key ", key.substr(0, 1)));
      }
      for (size_t day = 1; day < days.size(); ++day) {
        for (size_t i = 0; i < N; ++i) days[day][i] += delta[day][i];
      }
      batch->Set(key, EncodeDays(days));
    }
    return absl::OkStatus();
  }

  // One closed clock in the outcome counters (met / missed / excluded) of
  // its officer, closing month and day.
  absl::Status Count(Batch* batch, const std::string& officer,
                     const std::string& measure, const v1::ClockChange& c) {
    const size_t slot = c.exception() ? 2 : c.action() == v1::CLOCK_MET ? 0 : 1;
    const v1::Date& closed = c.closed_on();
    if (closed.day() < 1 || closed.day() > 31) {
      return absl::InvalidArgumentError(
          absl::StrCat("clock ", c.clock_id(), ": closed_on is not a date"));
    }
    MonthOutcomes& days = batch->outcome_deltas[absl::StrCat(
        "Q", K({officer, MonthKey(MonthIndex(closed)), measure}))];
    ++days[static_cast<size_t>(closed.day())][slot];
    return absl::OkStatus();
  }

  const std::unique_ptr<rocksdb::DB> db_;
  const Targets targets_;
  std::atomic<int64_t> applied_{0};
  // Apply runs one batch at a time.
  std::mutex apply_mu_;
  // The values of the keys Apply reads back (stream states, outcome
  // counters) as last written, so that most of its reads are a hash lookup
  // rather than a RocksDB read. Only Apply writes those keys, so the cache is
  // never stale; it is cleared when it passes kCacheBytes (memory stays
  // bounded; the next reads refill it from RocksDB).
  static constexpr size_t kCacheBytes = 64 << 20;
  static constexpr size_t kCacheEntryOverhead = 64;
  absl::flat_hash_map<std::string, std::string> cache_;
  size_t cache_bytes_ = 0;
  std::function<void(const char*)> fault_hook_;  // tests only
  // Signalled after every batch applied (read-your-writes waits on it).
  std::mutex applied_mu_;
  std::condition_variable applied_cv_;
  uint64_t apply_generation_ = 0;
  std::once_flag measures_once_;
  std::set<std::string> measure_codes_;
  // One helper thread for the queries (team scorecards); stopped first.
  HelperPool helpers_{1};
};

}  // namespace

absl::Status Projection::Destroy(const std::string& dir) {
  rocksdb::Status s = rocksdb::DestroyDB(dir, rocksdb::Options());
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot delete the projection at ", dir, ": ", s.ToString()));
  }
  return absl::OkStatus();
}

const Targets& DefaultTargets() {
  static const auto* targets = new Targets{
      {"ehc.decision_6_weeks", {90, 10}},
      {"ehc.final_plan_20_weeks", {60, 10}},
      {"ehc.reassessment_final_plan_14_weeks", {60, 10}},
      {"ehc.no_plan_decision_16_weeks", {90, 10}},
      {"ehc.advice_6_weeks", {85, 10}},
      {"review.on_time", {90, 10}},
      {"review.decision_4_weeks", {90, 10}},
      {"review.amended_plan_12_weeks", {80, 10}},
      {"review.amended_plan_8_weeks", {80, 10}},
      {"review.phase_transfer_on_time", {100, 5}},
      {"review.papers_2_weeks", {90, 10}},
      {"review.backlog", {0, 5, true}},
      {"transport.decided_in_time", {90, 10}},
      {"transport.in_place_for_term", {100, 5}},
      {"transport.stage1_on_time", {90, 10}},
      {"transport.stage2_on_time", {90, 10}},
      {"transport.stage2_outcome_on_time", {90, 10}},
      {"transport.itt_completions", {70, 10}},
      {"complaints.acknowledged_on_time", {95, 5}},
      {"complaints.stage1_on_time", {90, 10}},
      {"complaints.stage2_on_time", {90, 10}},
      {"complaints.stage3_on_time", {90, 10}},
      {"complaints.escalated_to_stage2", {20, 10, true}},
      {"complaints.referred_to_ombudsman", {5, 5, true}},
      {"complaints.per_100_cases", {5, 5, true}},
      {"mediation.certificate_on_time", {95, 5}},
      {"mediation.held_on_time", {90, 10}},
      {"disagreements.mediation_to_appeal", {40, 10, true}},
      {"tribunal.orders_on_time", {100, 5}},
  };
  return *targets;
}

absl::StatusOr<Targets> ParseTargets(const std::string& text) {
  Targets out = DefaultTargets();
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = line.substr(0, line.find('#'));
    std::vector<absl::string_view> f =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (f.empty()) continue;
    MeasureTarget t;
    if ((f.size() != 3 && f.size() != 4) ||
        !absl::SimpleAtod(f[1], &t.target) ||
        !absl::SimpleAtod(f[2], &t.amber_margin) || t.amber_margin < 0 ||
        (f.size() == 4 && f[3] != "lower")) {
      return absl::InvalidArgumentError(
          absl::StrCat("targets line ", line_no,
                       ": expected 'MEASURE TARGET AMBER_MARGIN [lower]'"));
    }
    t.lower_is_better = f.size() == 4;
    out[std::string(f[0])] = t;
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Projection>> Projection::Open(
    const std::string& dir, Targets targets) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(128 << 20);
  // Apply reads a stream's state before its first event: without filters,
  // each such miss searches every memtable and file. Bloom filters (files and
  // memtables, whole keys) answer most misses without a search (measured:
  // about 10% more events/s on a rebuild; see the README).
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.05;
  // LZ4 costs the flushes and compactions that share the cores with Apply
  // less than the default Snappy.
  options.compression = rocksdb::kLZ4Compression;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Memtables of 16 MiB rather than 64: Apply's inserts search a smaller skip
  // list that stays in cache (measured on a 15,000-child rebuild: 79-88k
  // events/s against 73-76k; 8 MiB was faster still but cost more compaction).
  options.write_buffer_size = 16 << 20;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot open projection at ", dir, ": ", s.ToString()));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  // The storage layout: a directory written by another layout is refused
  // rather than misread (the projection is rebuilt from the topics).
  std::string layout;
  s = db->Get(rocksdb::ReadOptions(), "V", &layout);
  if (s.IsNotFound()) {
    std::unique_ptr<rocksdb::Iterator> any(
        db->NewIterator(rocksdb::ReadOptions()));
    any->SeekToFirst();
    if (any->Valid()) layout = "1";  // written before the layout was recorded
  } else if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read projection at ", dir, ": ", s.ToString()));
  }
  if (layout.empty()) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db->Put(sync, "V", kLayout);
    if (!s.ok()) {
      return absl::UnavailableError(
          absl::StrCat("cannot write projection at ", dir, ": ", s.ToString()));
    }
  } else if (layout != kLayout) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the projection data in ", dir, " has storage layout ", layout,
        " and this build reads layout ", kLayout,
        ": delete the directory and the projection rebuilds it from the "
        "topics"));
  }
  return std::unique_ptr<Projection>(
      new RocksProjection(std::move(db), std::move(targets)));
}

ProjectionConsumer::ProjectionConsumer(Projection& projection,
                                       kafka::ConsumerOptions options,
                                       std::vector<std::string> topics,
                                       bool from_start)
    : projection_(projection),
      options_(std::move(options)),
      topics_(std::move(topics)),
      from_start_(from_start) {
  thread_ = std::thread([this] {
    SetCurrentThreadName("projection");
    Loop();
  });
}

ProjectionConsumer::~ProjectionConsumer() {
  stop_ = true;
  thread_.join();
}

void ProjectionConsumer::Loop() {
  absl::StatusOr<std::unique_ptr<kafka::Consumer>> consumer =
      kafka::Consumer::Create(options_);
  if (!consumer.ok()) {
    LogError("projection: cannot create consumer",
             {{"error", std::string(consumer.status().message())}});
    return;
  }
  // Assign every partition of every topic at the stored offsets (waiting for
  // topics).
  std::map<std::pair<std::string, int32_t>, int64_t> assignment;
  absl::StatusOr<std::map<std::pair<std::string, int32_t>, int64_t>> stored =
      projection_.Offsets();
  if (!stored.ok()) {
    LogError("projection: cannot read offsets",
             {{"error", std::string(stored.status().message())}});
    return;
  }
  for (const std::string& topic : topics_) {
    absl::StatusOr<int> partitions = absl::UnavailableError("not asked yet");
    while (!stop_) {
      partitions = (*consumer)->PartitionCount(topic, absl::Seconds(2));
      if (partitions.ok()) break;
      absl::SleepFor(absl::Milliseconds(200));
    }
    if (stop_) return;
    for (int32_t p = 0; p < *partitions; ++p) {
      auto it = stored->find({topic, p});
      assignment[{topic, p}] =
          it == stored->end() || from_start_ ? 0 : it->second;
    }
  }
  if (from_start_) {
    LogInfo("projection: topics reset, reading every partition from the start");
  }
  absl::Status assigned = (*consumer)->Assign(assignment);
  if (!assigned.ok()) {
    LogError("projection: cannot assign",
             {{"error", std::string(assigned.message())}});
    return;
  }
  LogInfo("projection: consuming",
          {{"partitions", std::to_string(assignment.size())}});
  std::vector<kafka::Message> batch;
  std::unique_ptr<kafka::Producer> dead_letters;
  while (!stop_) {
    // Wait for one record, then take what else is already here (up to
    // kMaxBatch) and apply them in one write.
    batch.clear();
    absl::Duration wait = absl::Milliseconds(100);
    while (batch.size() < kMaxBatch) {
      absl::StatusOr<std::optional<kafka::Message>> msg =
          (*consumer)->Poll(wait);
      if (!msg.ok()) {
        LogWarn("projection: consume error",
                {{"error", std::string(msg.status().message())}});
        break;
      }
      if (!msg->has_value()) break;
      batch.push_back(std::move(**msg));
      wait = absl::ZeroDuration();
    }
    if (batch.empty()) continue;
    std::vector<Projection::Rejected> rejected;
    absl::StatusOr<int> applied = projection_.Apply(batch, &rejected);
    if (!applied.ok()) {
      // The records stay unapplied (their offsets were not stored): stop
      // rather than skip them; a restart resumes from the stored offsets.
      LogError("projection: cannot apply; stopping consumption",
               {{"error", std::string(applied.status().message())}});
      return;
    }
    // Records that could not be read go, with the reason and their original
    // bytes, to the dead-letter topic (after they are skipped: at least once).
    if (!rejected.empty()) {
      if (!dead_letters) {
        absl::StatusOr<std::unique_ptr<kafka::Producer>> p =
            kafka::Producer::Create(options_.brokers, options_.properties);
        if (p.ok()) dead_letters = std::move(*p);
      }
      std::vector<kafka::Message> out;
      for (Projection::Rejected& r : rejected) {
        kafka::Message m;
        m.key = r.message.key;
        m.value = r.message.value;
        m.headers = r.message.headers;
        m.headers.push_back({"casework_reason", r.reason});
        m.headers.push_back({"casework_source_topic", r.message.topic});
        m.headers.push_back(
            {"casework_source_offset",
             absl::StrCat(r.message.partition, "@", r.message.offset)});
        out.push_back(std::move(m));
      }
      absl::Status sent =
          dead_letters ? dead_letters->Send(kDirectoryDeadLetterTopic, out)
                       : absl::UnavailableError("no producer");
      if (!sent.ok()) {
        LogWarn("projection: cannot write to the dead-letter topic",
                {{"error", std::string(sent.message())}});
      }
    }
  }
}

}  // namespace casework::projection
