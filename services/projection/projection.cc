#include "services/projection/projection.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "libs/core/codec.h"
#include "libs/core/log.h"
#include "libs/core/rocks_db.h"
#include "libs/core/status.h"
#include "libs/kafka/consumer_runtime.h"
#include "services/projection/directory.h"
#include "services/projection/forecast.h"
#include "services/projection/holdings.h"
#include "services/projection/keys.h"
#include "services/projection/outcomes.h"
#include "services/projection/reports.h"
#include "services/projection/store.h"
#include "services/projection/timeline.h"
#include "services/projection/transition.h"
#include "services/projection/worklist.h"

namespace casework::projection {
namespace {

enum class Standing { kClear, kHeld, kParked };
Standing StandingOf(const internal::StreamState& s) {
  if (!s.parked_reason().empty()) return Standing::kParked;
  return s.held_versions().empty() ? Standing::kClear : Standing::kHeld;
}

internal::HeldRecord ToHeld(const kafka::Message& m,
                            const std::string& event_id) {
  internal::HeldRecord h;
  h.set_topic(m.topic);
  h.set_partition(m.partition);
  h.set_offset(m.offset);
  h.set_key(m.key);
  h.set_value(m.value);
  for (const kafka::Header& header : m.headers) {
    internal::HeldRecord::Header* out = h.add_headers();
    out->set_key(header.key);
    out->set_value(header.value);
  }
  h.set_event_id(event_id);
  return h;
}

kafka::Message FromHeld(const internal::HeldRecord& h) {
  kafka::Message m;
  m.topic = h.topic();
  m.partition = h.partition();
  m.offset = h.offset();
  m.key = h.key();
  m.value = h.value();
  for (const auto& header : h.headers()) {
    m.headers.push_back({header.key(), header.value()});
  }
  return m;
}

// The event as the transition reads it; false for a record that is not a
// casework event.
bool ReadEvent(const kafka::Message& record, EventFacts* facts) {
  if (!kafka::DecodeValue(record, &facts->envelope).ok()) return false;
  const v1::EventMetadata& m = facts->envelope.metadata();
  if (m.stream_id().empty() || m.version() < 1 || m.source().empty()) {
    return false;  // CheckDomainRecord dead-letters it first
  }
  facts->source = m.source();
  const std::string type = kafka::HeaderOf(record, "ce_type");
  facts->type = type.substr(type.rfind('.') + 1);
  return true;
}

class RocksProjection final : public Projection {
 public:
  RocksProjection(std::unique_ptr<rocksdb::DB> db, Targets targets,
                  TroubleCounts trouble)
      : db_(std::move(db)), reports_(db_.get(), std::move(targets)) {
    held_ = trouble.held;
    parked_ = trouble.parked;
  }
  ~RocksProjection() override { db_->Close().PermitUncheckedError(); }

  RocksFigures DbFigures() const override { return ReadRocksFigures(*db_); }

  absl::StatusOr<int> Apply(const std::vector<kafka::Message>& records,
                            const Offsets& next) override {
    std::lock_guard<std::mutex> lock(apply_mu_);
    Batch batch;
    Writer writer(db_.get(), batch, cache_);
    TroubleCounts change;
    int skipped = 0;
    size_t done = 0;
    for (const kafka::Message& record : records) {
      if (fault_hook_ && ++done == records.size() / 2 + 1) {
        fault_hook_(kFaultMidBatch);
      }
      if (record.topic == kDirectoryTopic) {
        absl::StatusOr<v1::DirectoryRecord> entry = directory::Read(record);
        if (entry.ok()) {
          directory::Apply(batch, *entry);
        } else {
          ++skipped;
          Skipped(record, entry.status().message());
        }
        continue;
      }
      EventFacts facts;
      if (!ReadEvent(record, &facts)) {
        ++skipped;
        Skipped(record, "not a casework event");
        continue;
      }
      RETURN_IF_ERROR(ApplyEvent(writer, record, facts, &change));
    }
    for (const auto& [tp, n] : next) {
      batch.Set(keys::Offset(tp.first, tp.second),
                codec::BigEndian64(static_cast<uint64_t>(n)));
    }
    RETURN_IF_ERROR(Write(writer));
    held_ += change.held;
    parked_ += change.parked;
    applied_ += static_cast<int64_t>(records.size());
    return skipped;
  }

  absl::Status RetryStream(const std::string& source,
                           const std::string& stream_id) override {
    std::lock_guard<std::mutex> lock(apply_mu_);
    Batch batch;
    Writer writer(db_.get(), batch, cache_);
    const std::string key = keys::Stream(source, stream_id);
    internal::StreamState state;
    RETURN_IF_ERROR(writer.GetProto(key, &state, "stream state"));
    if (state.parked_reason().empty()) {
      return absl::NotFoundError(
          absl::StrCat("stream ", stream_id, " of ", source, " is not parked"));
    }
    TroubleCounts change;
    const Standing before = StandingOf(state);
    LogInfo("projection: retrying a parked stream",
            {{"source", source},
             {"stream", stream_id},
             {"reason", state.parked_reason()}});
    state.clear_parked_reason();
    state.clear_parked_version();
    RETURN_IF_ERROR(Drain(writer, source, stream_id, &state));
    Settle(writer, key, source, stream_id, before, state, &change);
    RETURN_IF_ERROR(Write(writer));
    held_ += change.held;
    parked_ += change.parked;
    if (!state.parked_reason().empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("stream ", stream_id, " is parked again at version ",
                       state.parked_version(), ": ", state.parked_reason()));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<internal::StreamTrouble>> Troubled(
      size_t limit) override {
    QuerySnapshot snapshot(db_.get());
    std::vector<internal::StreamTrouble> out;
    PrefixScan it(db_.get(), keys::kTroublePrefix);
    for (it->Seek(keys::kTroublePrefix); it->Valid() && out.size() < limit;
         it->Next()) {
      internal::StreamTrouble t;
      if (!t.ParseFromArray(it->value().data(),
                            static_cast<int>(it->value().size()))) {
        return absl::DataLossError("corrupt held-stream entry");
      }
      out.push_back(std::move(t));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read held streams"));
    return out;
  }

  TroubleCounts Trouble() const override {
    return TroubleCounts{held_.load(), parked_.load()};
  }

  absl::StatusOr<Offsets> StoredOffsets() override {
    Offsets out;
    PrefixScan it(db_.get(), keys::kOffsetPrefix);
    for (it->Seek(keys::kOffsetPrefix); it->Valid(); it->Next()) {
      absl::string_view key = View(it->key()).substr(1);
      size_t nul = key.find('\0');
      if (nul == absl::string_view::npos) continue;
      out[{std::string(key.substr(0, nul)),
           static_cast<int32_t>(codec::ReadBigEndian64(key.substr(nul + 1)))}] =
          static_cast<int64_t>(codec::ReadBigEndian64(View(it->value())));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read offsets"));
    return out;
  }

  int64_t applied() const override { return applied_.load(); }

  std::vector<std::string> TeamsOf(const std::string& officer_id) override {
    return directory::TeamsOf(db_.get(), officer_id);
  }
  std::vector<std::string> TeamMembers(const std::string& team_id) override {
    return directory::TeamMembers(db_.get(), team_id);
  }

  absl::StatusOr<v1::Timeline> GetTimeline(
      const v1::GetTimelineRequest& req) override {
    QuerySnapshot snapshot(db_.get());
    return timeline::Get(db_.get(), req);
  }
  absl::StatusOr<v1::Worklist> GetWorklist(const v1::GetWorklistRequest& req,
                                           Date today) override {
    QuerySnapshot snapshot(db_.get());
    return worklist::Get(db_.get(), req, today);
  }
  absl::StatusOr<v1::OfficerScorecard> GetOfficerScorecard(
      const v1::GetOfficerScorecardRequest& req) override {
    return reports_.OfficerScorecard(req);
  }
  absl::StatusOr<v1::TeamScorecard> GetTeamScorecard(
      const v1::GetTeamScorecardRequest& req) override {
    return reports_.TeamScorecard(req);
  }
  absl::StatusOr<v1::ExceptionReport> GetExceptionReport(
      const v1::GetExceptionReportRequest& req) override {
    return reports_.ExceptionReport(req);
  }
  absl::StatusOr<v1::Trend> GetTrend(const v1::GetTrendRequest& req,
                                     Date today) override {
    return reports_.Trend(req, today);
  }
  absl::StatusOr<v1::LaScorecard> GetLaScorecard(
      const v1::GetLaScorecardRequest& req) override {
    return reports_.LaScorecard(req);
  }
  absl::StatusOr<v1::AtRiskReport> GetAtRisk(const v1::GetAtRiskRequest& req,
                                             Date today) override {
    return reports_.AtRisk(req, today);
  }
  absl::StatusOr<v1::ForecastBackTest> GetForecastBackTest(
      const v1::GetForecastBackTestRequest& req, Date today) override {
    return reports_.BackTest(req, today);
  }

  absl::Status Compact() override {
    rocksdb::CompactRangeOptions options;
    options.bottommost_level_compaction =
        rocksdb::BottommostLevelCompaction::kForce;
    return FromRocks(db_->CompactRange(options, nullptr, nullptr),
                     "compaction");
  }

  int64_t AppliedVersion(const std::string& source,
                         const std::string& stream_id) override {
    std::string value;
    internal::StreamState state;
    if (!db_->Get(rocksdb::ReadOptions(), keys::Stream(source, stream_id),
                  &value)
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

 private:
  static void Skipped(const kafka::Message& record, absl::string_view why) {
    LogWarn("projection: skipped a record",
            {{"topic", record.topic},
             {"partition", std::to_string(record.partition)},
             {"offset", std::to_string(record.offset)},
             {"why", std::string(why)}});
  }

  // Writes the batch (with the counters it changed) and wakes the waiters.
  absl::Status Write(Writer& writer) {
    RETURN_IF_ERROR(writer.FlushCounts());
    rocksdb::WriteBatch writes = writer.batch().Finish();
    RETURN_IF_ERROR(
        FromRocks(db_->Write(rocksdb::WriteOptions(), &writes), "write"));
    if (fault_hook_) fault_hook_(kFaultWritten);
    cache_.Absorb(writer.batch());
    {
      std::lock_guard<std::mutex> applied_lock(applied_mu_);
      ++apply_generation_;
    }
    applied_cv_.notify_all();
    return absl::OkStatus();
  }

  // One event of a stream: applied when it is the next, ignored when a
  // repeat, held when ahead (or when the stream is parked).
  absl::Status ApplyEvent(Writer& writer, const kafka::Message& record,
                          const EventFacts& facts, TroubleCounts* change) {
    const v1::EventMetadata& m = facts.envelope.metadata();
    const std::string stream_key = keys::Stream(facts.source, m.stream_id());
    internal::StreamState state;
    RETURN_IF_ERROR(writer.GetProto(stream_key, &state, "stream state"));
    const Standing before = StandingOf(state);
    const Order order = Classify(state, m.version());
    if (order == Order::kRepeat) {
      // A re-delivery is the same event. The applied version arriving as a
      // different event is a second history of the stream: parked, said.
      if (m.version() != state.applied_version() ||
          state.applied_event_id().empty() ||
          state.applied_event_id() == m.event_id() ||
          !state.parked_reason().empty()) {
        return absl::OkStatus();
      }
      const std::string reason = absl::StrCat(
          "version ", m.version(), " was applied as event ",
          state.applied_event_id(), " and event ", m.event_id(),
          " claims it too (the service's log and its topic disagree: was it "
          "restored from a backup? see docs/operations.md)");
      LogError("projection: parked a stream with two histories",
               {{"source", facts.source},
                {"stream", m.stream_id()},
                {"version", std::to_string(m.version())}});
      state.set_parked_reason(reason);
      state.set_parked_version(m.version());
      Settle(writer, stream_key, facts.source, m.stream_id(), before, state,
             change);
      return absl::OkStatus();
    }
    if (order == Order::kAhead || before == Standing::kParked) {
      RETURN_IF_ERROR(Hold(writer, facts.source, record, m, &state));
    } else {
      RETURN_IF_ERROR(Next(writer, record, facts, &state));
      RETURN_IF_ERROR(Drain(writer, facts.source, m.stream_id(), &state));
    }
    Settle(writer, stream_key, facts.source, m.stream_id(), before, state,
           change);
    return absl::OkStatus();
  }

  // Applies the stream's next event to every read model; parks the stream
  // (keeping the event) when it cannot be applied.
  absl::Status Next(Writer& writer, const kafka::Message& record,
                    const EventFacts& facts, internal::StreamState* state) {
    absl::StatusOr<StreamDelta> delta = Transition(*state, facts);
    const v1::EventMetadata& m = facts.envelope.metadata();
    if (!delta.ok()) {
      LogError("projection: parked a stream at an event it cannot apply",
               {{"source", facts.source},
                {"stream", m.stream_id()},
                {"version", std::to_string(m.version())},
                {"reason", std::string(delta.status().message())}});
      RETURN_IF_ERROR(Hold(writer, facts.source, record, m, state));
      state->set_parked_reason(std::string(delta.status().message()));
      state->set_parked_version(m.version());
      return absl::OkStatus();
    }
    timeline::Apply(writer.batch(), *delta);
    worklist::Apply(writer.batch(), *delta);
    RETURN_IF_ERROR(holdings::Apply(writer, *delta));
    outcomes::Apply(writer.batch(), *delta);
    RETURN_IF_ERROR(forecast::Apply(writer, facts, *delta));
    return absl::OkStatus();
  }

  // Keeps an event until its turn: ahead of the next version, or behind a
  // parked one. Two different events claiming one version park the stream.
  absl::Status Hold(Writer& writer, const std::string& source,
                    const kafka::Message& record, const v1::EventMetadata& m,
                    internal::StreamState* state) {
    auto* versions = state->mutable_held_versions();
    const std::string key = keys::Held(source, m.stream_id(), m.version());
    if (std::find(versions->begin(), versions->end(), m.version()) !=
        versions->end()) {
      internal::HeldRecord held;
      RETURN_IF_ERROR(writer.GetProto(key, &held, "held record"));
      if (held.event_id() != m.event_id() && state->parked_reason().empty()) {
        state->set_parked_reason(absl::StrCat(
            "two different events claim version ", m.version(), " (",
            held.event_id(), " held, ", m.event_id(), " arrived)"));
        state->set_parked_version(m.version());
      }
      return absl::OkStatus();
    }
    versions->Add(m.version());
    std::sort(versions->begin(), versions->end());
    writer.batch().SetOrDelete(
        key, ToHeld(record, m.event_id()).SerializeAsString());
    return absl::OkStatus();
  }

  // Applies the held events that are now next, in order, until one is
  // missing or one parks the stream; drops held repeats.
  absl::Status Drain(Writer& writer, const std::string& source,
                     const std::string& stream_id,
                     internal::StreamState* state) {
    auto* versions = state->mutable_held_versions();
    while (!versions->empty() && state->parked_reason().empty()) {
      const int64_t v = versions->Get(0);
      if (v > state->applied_version() + 1) break;
      versions->erase(versions->begin());
      const std::string key = keys::Held(source, stream_id, v);
      internal::HeldRecord held;
      RETURN_IF_ERROR(writer.GetProto(key, &held, "held record"));
      writer.batch().SetOrDelete(key, std::nullopt);
      if (v <= state->applied_version()) continue;
      const kafka::Message record = FromHeld(held);
      EventFacts facts;
      if (!ReadEvent(record, &facts)) {
        state->set_parked_reason("a held record is no longer readable");
        state->set_parked_version(v);
        break;
      }
      RETURN_IF_ERROR(Next(writer, record, facts, state));
    }
    return absl::OkStatus();
  }

  // Writes the stream's state and its entry in the held/parked listing.
  void Settle(Writer& writer, const std::string& stream_key,
              const std::string& source, const std::string& stream_id,
              Standing before, internal::StreamState& state,
              TroubleCounts* change) {
    writer.batch().Set(stream_key, state.SerializeAsString());
    const Standing after = StandingOf(state);
    auto count = [&](Standing s, int sign) {
      if (s == Standing::kHeld) change->held += sign;
      if (s == Standing::kParked) change->parked += sign;
    };
    count(before, -1);
    count(after, +1);
    if (after == Standing::kClear) {
      if (before != Standing::kClear) {
        writer.batch().Delete(keys::Trouble(source, stream_id));
      }
      return;
    }
    const std::string key = keys::Trouble(source, stream_id);
    internal::StreamTrouble t;
    t.set_source(source);
    t.set_stream_id(stream_id);
    t.set_child_id(state.child_id());
    t.set_applied_version(state.applied_version());
    t.set_held_count(state.held_versions_size());
    t.set_waiting_for(state.applied_version() + 1);
    t.set_parked_reason(state.parked_reason());
    t.set_parked_version(state.parked_version());
    writer.batch().Put(key, t.SerializeAsString());
  }

  const std::unique_ptr<rocksdb::DB> db_;
  Reports reports_;
  std::atomic<int64_t> applied_{0};
  std::atomic<int64_t> held_{0}, parked_{0};
  std::mutex apply_mu_;  // Apply and RetryStream run one at a time
  WriteCache cache_;
  std::function<void(const char*)> fault_hook_;  // tests only
  // Signalled after every batch written (read-your-writes waits on it).
  std::mutex applied_mu_;
  std::condition_variable applied_cv_;
  uint64_t apply_generation_ = 0;
};

// Counts the held and parked streams (at open).
absl::StatusOr<TroubleCounts> CountTrouble(rocksdb::DB* db) {
  TroubleCounts out;
  PrefixScan it(db, keys::kTroublePrefix);
  for (it->Seek(keys::kTroublePrefix); it->Valid(); it->Next()) {
    internal::StreamTrouble t;
    if (!t.ParseFromArray(it->value().data(),
                          static_cast<int>(it->value().size()))) {
      continue;
    }
    ++(t.parked_reason().empty() ? out.held : out.parked);
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read held streams"));
  return out;
}

}  // namespace

absl::StatusOr<int> Projection::Apply(
    const std::vector<kafka::Message>& records) {
  return Apply(records, kafka::NextOffsets(records));
}

absl::Status Projection::Destroy(const std::string& dir) {
  rocksdb::Status s = rocksdb::DestroyDB(dir, rocksdb::Options());
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot delete the projection at ", dir, ": ", s.ToString()));
  }
  return absl::OkStatus();
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
  options.info_log = ProcessLogForRocks("projection");
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
  s = db->Get(rocksdb::ReadOptions(), keys::kLayoutKey, &layout);
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
    s = db->Put(sync, keys::kLayoutKey, keys::kLayout);
    if (!s.ok()) {
      return absl::UnavailableError(
          absl::StrCat("cannot write projection at ", dir, ": ", s.ToString()));
    }
  } else if (layout != keys::kLayout) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the projection data in ", dir, " has storage layout ", layout,
        " and this build reads layout ", keys::kLayout,
        ": delete the directory and the projection rebuilds it from the "
        "topics"));
  }
  ASSIGN_OR_RETURN(TroubleCounts trouble, CountTrouble(db.get()));
  return std::unique_ptr<Projection>(
      new RocksProjection(std::move(db), std::move(targets), trouble));
}

}  // namespace casework::projection
