#include "libs/kafka/consumer_runtime.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/core/thread.h"

namespace casework::kafka {

OffsetMap NextOffsets(const std::vector<Message>& records) {
  // Few partitions, many records: a short list searched from the last hit.
  struct Seen {
    const std::string* topic;
    int32_t partition;
    int64_t next;
  };
  std::vector<Seen> seen;
  size_t last = 0;
  for (const Message& m : records) {
    if (seen.empty() || seen[last].partition != m.partition ||
        *seen[last].topic != m.topic) {
      last = seen.size();
      for (size_t i = 0; i < seen.size(); ++i) {
        if (seen[i].partition == m.partition && *seen[i].topic == m.topic) {
          last = i;
          break;
        }
      }
      if (last == seen.size()) seen.push_back({&m.topic, m.partition, 0});
    }
    seen[last].next = std::max(seen[last].next, m.offset + 1);
  }
  OffsetMap out;
  for (const Seen& s : seen) out[{*s.topic, s.partition}] = s.next;
  return out;
}

std::string DeadLetterTopic(const std::string& topic) {
  if (absl::EndsWith(topic, ".v1")) {
    return absl::StrCat(topic.substr(0, topic.size() - 3), ".deadletter.v1");
  }
  return topic + ".deadletter";
}

Message DeadLetter(const Message& record, absl::string_view reason,
                   absl::string_view consumer) {
  Message m;
  m.key = record.key;
  m.value = record.value;
  m.headers = record.headers;
  m.headers.push_back({"casework_reason", std::string(reason)});
  m.headers.push_back({"casework_source_topic", record.topic});
  m.headers.push_back({"casework_source_offset",
                       absl::StrCat(record.partition, "@", record.offset)});
  m.headers.push_back({"casework_consumer", std::string(consumer)});
  return m;
}

absl::Status KafkaDeadLetters::Send(const std::string& topic,
                                    const std::vector<Message>& records) {
  if (producer_ == nullptr) {
    absl::StatusOr<std::unique_ptr<Producer>> p =
        Producer::Create(brokers_, properties_);
    if (!p.ok()) return p.status();
    producer_ = std::move(*p);
  }
  return producer_->Send(topic, records);
}

namespace {

class KafkaSource final : public RecordSource {
 public:
  explicit KafkaSource(std::unique_ptr<Consumer> consumer)
      : consumer_(std::move(consumer)) {}
  absl::StatusOr<int> PartitionCount(const std::string& topic) override {
    return consumer_->PartitionCount(topic, absl::Seconds(2));
  }
  absl::Status Assign(const OffsetMap& next) override {
    return consumer_->Assign(next);
  }
  absl::StatusOr<std::optional<Message>> Poll(absl::Duration timeout) override {
    return consumer_->Poll(timeout);
  }
  absl::StatusOr<Watermarks> QueryWatermarks(
      const TopicPartition& tp) override {
    return consumer_->QueryWatermarks(tp, absl::Seconds(5));
  }
  std::optional<int64_t> KnownEnd(const TopicPartition& tp) override {
    return consumer_->CachedHighWatermark(tp);
  }
  std::map<TopicPartition, absl::StatusOr<int64_t>> QueryEnds(
      const std::vector<TopicPartition>& partitions) override {
    return consumer_->QueryEnds(partitions, absl::Seconds(5));
  }

 private:
  std::unique_ptr<Consumer> consumer_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RecordSource>> KafkaRecordSource(
    ConsumerOptions options) {
  options.complete_history = true;
  absl::StatusOr<std::unique_ptr<Consumer>> consumer =
      Consumer::Create(std::move(options));
  if (!consumer.ok()) return consumer.status();
  return std::unique_ptr<RecordSource>(new KafkaSource(std::move(*consumer)));
}

std::unique_ptr<ConsumerRuntime> StartKafkaRuntime(
    RuntimeOptions options, const ConsumerOptions& consumer, RecordSink& sink,
    DeadLetterSink* dead_letters) {
  absl::StatusOr<std::unique_ptr<RecordSource>> source =
      KafkaRecordSource(consumer);
  if (!source.ok()) {
    LogError(absl::StrCat(options.name, ": cannot create the consumer"),
             {{"error", std::string(source.status().message())}});
    return nullptr;
  }
  return std::make_unique<ConsumerRuntime>(
      std::move(options), std::move(*source), sink, dead_letters);
}

ConsumerRuntime::ConsumerRuntime(RuntimeOptions options,
                                 std::unique_ptr<RecordSource> source,
                                 RecordSink& sink, DeadLetterSink* dead_letters)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : SystemClock::Get()),
      source_(std::move(source)),
      sink_(sink),
      dead_letters_(dead_letters) {
  status_.reason = "starting";
  last_check_ = Now();
  thread_ = std::thread([this] {
    SetCurrentThreadName(options_.name.substr(0, 15));
    Loop();
  });
}

ConsumerRuntime::~ConsumerRuntime() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

RuntimeStatus ConsumerRuntime::Status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void ConsumerRuntime::SetHealthListener(
    std::function<void(const absl::Status&)> listener) {
  absl::Status now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    listener_ = listener;
    now = status_.serving ? absl::OkStatus()
                          : absl::UnavailableError(absl::StrCat(
                                options_.name, ": ", status_.reason));
  }
  if (listener) listener(now);
}

absl::Status ConsumerRuntime::Resume() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!status_.gone.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat(options_.name, ": no partition is missing history"));
    }
    resume_ = true;
  }
  cv_.notify_all();
  return absl::OkStatus();
}

bool ConsumerRuntime::WaitUntil(
    const std::function<bool(const RuntimeStatus&)>& pred,
    absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return status_cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                             [&] { return pred(status_); });
}

bool ConsumerRuntime::Wait(absl::Duration d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoNanoseconds(d),
               [&] { return stop_ || resume_; });
  return !stop_;
}

void ConsumerRuntime::SetProblem(Problem problem, std::string text) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = problems_.find(problem);
    if (it == problems_.end() || it->second != text) {
      LogError(absl::StrCat(options_.name, ": stalled"), {{"reason", text}});
    }
    problems_[problem] = std::move(text);
  }
  UpdateHealth();
}

void ConsumerRuntime::ClearProblem(Problem problem) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (problems_.erase(problem) == 0) return;
    if (problems_.empty()) LogInfo(absl::StrCat(options_.name, ": resumed"));
  }
  UpdateHealth();
}

void ConsumerRuntime::UpdateHealth() {
  std::function<void(const absl::Status&)> listener;
  absl::Status report;
  {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t lag = 0;
    bool ends_known = true;
    for (const auto& [tp, p] : status_.partitions) {
      lag += p.lag();
      ends_known = ends_known && p.end >= 0;
    }
    status_.lag = lag;
    // The one writer of serving, stalled and reason: derived from the state,
    // so a reason stands exactly as long as its cause.
    status_.stalled = !problems_.empty();
    if (status_.stalled) {
      status_.serving = false;
      status_.reason = problems_.begin()->second;  // the gravest first
    } else if (!started_) {
      status_.serving = false;
      status_.reason = start_reason_;
    } else if (!ends_known) {
      status_.serving = false;
      status_.reason = "catching up: the topics' ends are not known yet";
    } else if (lag > options_.serving_lag) {
      status_.serving = false;
      status_.reason = absl::StrCat("catching up: ", lag, " records behind");
    } else {
      status_.serving = true;
      status_.reason.clear();
    }
    const std::string now = status_.serving ? "" : status_.reason;
    // Catching up changes its figure every batch: report the state, not
    // each figure.
    const bool same =
        health_reported_ && (now == last_health_ ||
                             (absl::StartsWith(now, "catching up") &&
                              absl::StartsWith(last_health_, "catching up")));
    if (same) {
      status_cv_.notify_all();
      return;
    }
    health_reported_ = true;
    last_health_ = now;
    listener = listener_;
    report = status_.serving ? absl::OkStatus()
                             : absl::UnavailableError(absl::StrCat(
                                   options_.name, ": ", status_.reason));
  }
  if (listener) listener(report);
  // Waiters wake once the health is reported too.
  status_cv_.notify_all();
}

void ConsumerRuntime::RefreshEnds() {
  std::vector<TopicPartition> partitions;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [tp, p] : status_.partitions) partitions.push_back(tp);
  }
  std::vector<std::pair<TopicPartition, int64_t>> ends;
  for (const TopicPartition& tp : partitions) {
    if (std::optional<int64_t> end = source_->KnownEnd(tp)) {
      ends.emplace_back(tp, *end);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [tp, end] : ends) {
    PartitionStatus& p = status_.partitions[tp];
    p.end = std::max(p.end, end);
  }
}

std::vector<TopicPartition> ConsumerRuntime::FollowPartitions() {
  OffsetMap assignment;
  std::vector<TopicPartition> added;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [tp, p] : status_.partitions) assignment[tp] = p.next;
  }
  for (const std::string& topic : options_.topics) {
    absl::StatusOr<int> count = source_->PartitionCount(topic);
    if (!count.ok()) continue;  // the ends' check notices a silent broker
    for (int32_t p = 0; p < *count; ++p) {
      if (assignment.emplace(TopicPartition{topic, p}, 0).second) {
        added.emplace_back(topic, p);
      }
    }
  }
  if (added.empty()) return added;
  absl::Status assigned = source_->Assign(assignment);
  if (!assigned.ok()) {
    LogWarn(absl::StrCat(options_.name, ": cannot assign new partitions"),
            {{"error", std::string(assigned.message())}});
    return {};
  }
  const absl::Time now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  for (const TopicPartition& tp : added) {
    LogInfo(absl::StrCat(options_.name, ": reading a new partition from 0"),
            {{"topic", tp.first}, {"partition", absl::StrCat(tp.second)}});
    status_.partitions[tp] = PartitionStatus{};
    last_progress_[tp] = now;
  }
  return added;
}

void ConsumerRuntime::Check(absl::Time now) {
  OffsetMap next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [tp, p] : status_.partitions) next[tp] = p.next;
  }
  // Fresh ends of every partition (the ones known from fetches go stale when
  // fetching stops), asked of all leaders at once: a leader that does not
  // answer costs one timeout per check, and the others' ends still count.
  std::vector<TopicPartition> asked;
  for (const auto& [tp, n] : next) asked.push_back(tp);
  std::map<TopicPartition, int64_t> ends;
  std::vector<std::string> silent;
  std::string why;
  for (auto& [tp, end] : source_->QueryEnds(asked)) {
    if (end.ok()) {
      ends[tp] = *end;
    } else {
      silent.push_back(absl::StrCat(tp.first, "/", tp.second));
      why = std::string(end.status().message());
    }
  }
  if (silent.empty()) {
    watermarks_failing_since_.reset();
    ClearProblem(Problem::kWatermarks);
  } else {
    if (!watermarks_failing_since_) watermarks_failing_since_ = now;
    if (now - *watermarks_failing_since_ >= options_.stall_after) {
      SetProblem(
          Problem::kWatermarks,
          absl::StrCat("the broker has not told the end of ",
                       absl::StrJoin(silent, ", "), " for ",
                       absl::FormatDuration(now - *watermarks_failing_since_),
                       ": ", why));
    }
  }
  if (ends.empty()) return;  // nothing answers: an outage
  if (!refused_.empty()) {
    if (refused_probed_ && !consume_error_seen_) {
      refused_.clear();  // fetched anew since the last check, not refused
    } else {
      // librdkafka says a refusal once: assigning again fetches anew, and a
      // refusal that stands is said again.
      absl::Status assigned = source_->Assign(next);
      refused_probed_ = assigned.ok();
    }
  }
  if (!consume_error_seen_ && refused_.empty()) {
    consume_error_since_.reset();
    ClearProblem(Problem::kConsume);
  }
  consume_error_seen_ = false;
  // The broker answers: new partitions are read from 0 from now on (asked
  // only then, so an outage costs one timeout per check, not one per topic).
  for (auto& [tp, end] : source_->QueryEnds(FollowPartitions())) {
    if (end.ok()) ends[tp] = *end;
  }
  // Per partition: records waiting on the broker and none arriving for
  // stall_after, while the loop found nothing to read (a busy loop working
  // through other partitions' records is not a stopped fetch), is a stopped
  // fetch.
  std::vector<std::string> stuck_text;
  int64_t stuck_waiting = 0;
  stuck_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [tp, end] : ends) {
      PartitionStatus& p = status_.partitions[tp];
      p.end = std::max(p.end, end);
      const int64_t waiting = std::max<int64_t>(0, end - p.next);
      absl::Time& progress = last_progress_[tp];
      if (waiting == 0) {
        progress = now;  // caught up
      } else if (now - progress >= options_.stall_after &&
                 last_idle_ - progress >= options_.stall_after / 2) {
        stuck_.insert(tp);
        stuck_waiting += waiting;
        stuck_text.push_back(absl::StrCat(tp.first, "/", tp.second));
      }
    }
  }
  if (stuck_.empty()) {
    ClearProblem(Problem::kFetch);
    return;  // the loop updates health next
  }
  SetProblem(Problem::kFetch,
             absl::StrCat(absl::StrJoin(stuck_text, ", "), ": ", stuck_waiting,
                          " records wait on the broker and none has arrived "
                          "for at least ",
                          absl::FormatDuration(options_.stall_after),
                          " (a fetch lost in a broker outage?): fetching "
                          "again"));
  absl::Status assigned = source_->Assign(next);
  if (!assigned.ok()) {
    LogWarn(absl::StrCat(options_.name, ": cannot assign again"),
            {{"error", std::string(assigned.message())}});
  }
  // The new fetch gets its own time.
  for (const TopicPartition& tp : stuck_) last_progress_[tp] = now;
}

std::map<TopicPartition, absl::StatusOr<int64_t>> RecordSource::QueryEnds(
    const std::vector<TopicPartition>& partitions) {
  std::map<TopicPartition, absl::StatusOr<int64_t>> out;
  for (const TopicPartition& tp : partitions) {
    absl::StatusOr<Watermarks> w = QueryWatermarks(tp);
    if (w.ok()) {
      out.emplace(tp, w->high);
    } else {
      out.emplace(tp, w.status());
    }
  }
  return out;
}

void ConsumerRuntime::NoteProgress(const OffsetMap& next, absl::Time now) {
  for (const auto& [tp, n] : next) {
    last_progress_[tp] = now;
    stuck_.erase(tp);
  }
  if (stuck_.empty()) ClearProblem(Problem::kFetch);
  for (const auto& [tp, n] : next) refused_.erase(tp);
  if (refused_.empty()) {
    consume_error_since_.reset();
    ClearProblem(Problem::kConsume);
  }
}

bool ConsumerRuntime::Start() {
  std::vector<TopicPartition> partitions;
  for (const std::string& topic : options_.topics) {
    absl::StatusOr<int> count = source_->PartitionCount(topic);
    while (!count.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        start_reason_ = absl::StrCat("starting: waiting for topic ", topic);
      }
      UpdateHealth();
      if (!Wait(options_.backoff)) return false;
      count = source_->PartitionCount(topic);
    }
    for (int32_t p = 0; p < *count; ++p) partitions.emplace_back(topic, p);
  }
  OffsetMap stored;
  absl::Duration backoff = options_.backoff;
  for (;;) {
    absl::StatusOr<OffsetMap> offsets = sink_.StoredOffsets(partitions);
    if (offsets.ok()) {
      stored = std::move(*offsets);
      break;
    }
    SetProblem(Problem::kOffsets,
               absl::StrCat("cannot read the stored offsets: ",
                            offsets.status().message()));
    if (!Wait(backoff)) return false;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  ClearProblem(Problem::kOffsets);
  OffsetMap assignment;
  for (const TopicPartition& tp : partitions) {
    auto it = stored.find(tp);
    assignment[tp] = it == stored.end() || options_.from_start ? 0 : it->second;
  }
  if (options_.from_start) {
    LogInfo(absl::StrCat(options_.name,
                         ": topics reset, reading every partition from 0"));
  }
  backoff = options_.backoff;
  for (;;) {
    absl::Status assigned = source_->Assign(assignment);
    if (assigned.ok()) break;
    SetProblem(Problem::kAssign,
               absl::StrCat("cannot assign partitions: ", assigned.message()));
    if (!Wait(backoff)) return false;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  ClearProblem(Problem::kAssign);
  // The ends now, so health knows how far behind it starts (asked of every
  // leader at once: one wait at most, however many partitions).
  std::map<TopicPartition, int64_t> ends;
  std::vector<TopicPartition> asked;
  for (const auto& [tp, next] : assignment) asked.push_back(tp);
  for (auto& [tp, end] : source_->QueryEnds(asked)) {
    if (end.ok()) ends[tp] = *end;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [tp, next] : assignment) {
      PartitionStatus& p = status_.partitions[tp];
      p.next = next;
      auto end = ends.find(tp);
      p.end = end == ends.end() ? -1 : end->second;
      last_progress_[tp] = Now();
    }
    started_ = true;
  }
  LogInfo(absl::StrCat(options_.name, ": consuming"),
          {{"partitions", std::to_string(assignment.size())}});
  UpdateHealth();
  return true;
}

ConsumerRuntime::Pending ConsumerRuntime::Sort(std::vector<Message>& batch) {
  // Contract first: what breaks it is dead-lettered (and acknowledged by the
  // broker) before its offset can pass.
  Pending pending;
  pending.good.reserve(batch.size());
  pending.next = NextOffsets(batch);
  for (Message& record : batch) {
    absl::Status contract = sink_.Check(record);
    if (contract.ok()) {
      pending.good.push_back(std::move(record));
      continue;
    }
    LogWarn(absl::StrCat(options_.name, ": record breaks its topic's contract"),
            {{"topic", record.topic},
             {"partition", std::to_string(record.partition)},
             {"offset", std::to_string(record.offset)},
             {"reason", std::string(contract.message())}});
    pending.letters[DeadLetterTopic(record.topic)].push_back(
        DeadLetter(record, contract.message(), options_.name));
  }
  batch.clear();
  return pending;
}

absl::Status ConsumerRuntime::Handle(Pending& pending) {
  while (!pending.letters.empty()) {
    auto& [topic, records] = *pending.letters.begin();
    if (dead_letters_ == nullptr) {
      return absl::FailedPreconditionError(
          "a record breaks its topic's contract and no dead-letter topic is "
          "configured");
    }
    absl::Status sent = dead_letters_->Send(topic, records);
    if (!sent.ok()) {
      return absl::UnavailableError(
          absl::StrCat("cannot write to the dead-letter topic ", topic, ": ",
                       sent.message()));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      status_.dead_lettered += static_cast<int64_t>(records.size());
    }
    pending.letters.erase(pending.letters.begin());
  }
  RETURN_IF_ERROR(sink_.Apply(pending.good, pending.next));
  std::lock_guard<std::mutex> lock(mu_);
  status_.applied += static_cast<int64_t>(pending.good.size());
  ++status_.batches;
  for (const auto& [tp, n] : pending.next) {
    PartitionStatus& p = status_.partitions[tp];
    p.next = std::max(p.next, n);
  }
  return absl::OkStatus();
}

void ConsumerRuntime::Loop() {
  if (!Start()) return;
  std::vector<Message> batch;
  while (true) {
    bool resume = false;
    std::optional<TopicPartition> gone;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      resume = resume_;
      resume_ = false;
      gone = status_.gone;
    }
    if (resume && gone.has_value()) {
      // Every partition whose next offset the broker no longer holds goes on
      // from the earliest it holds (the re-published log is there); the
      // others from where they were.
      OffsetMap assignment;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (const auto& [tp, p] : status_.partitions) assignment[tp] = p.next;
      }
      absl::Status assigned = absl::OkStatus();
      std::vector<std::pair<TopicPartition, int64_t>> moved;
      for (auto& [tp, next] : assignment) {
        absl::StatusOr<Watermarks> w = source_->QueryWatermarks(tp);
        if (!w.ok()) {
          assigned = w.status();
          break;
        }
        if (w->low > next) {
          moved.emplace_back(tp, w->low);
          next = w->low;
        }
      }
      if (assigned.ok()) assigned = source_->Assign(assignment);
      if (assigned.ok()) {
        for (const auto& [tp, from] : moved) {
          LogWarn(absl::StrCat(options_.name,
                               ": resumed a partition whose "
                               "history was gone"),
                  {{"topic", tp.first},
                   {"partition", std::to_string(tp.second)},
                   {"from", std::to_string(from)}});
        }
        {
          std::lock_guard<std::mutex> lock(mu_);
          for (const auto& [tp, from] : moved) {
            status_.partitions[tp].next = from;
          }
          status_.gone.reset();
          problems_.erase(Problem::kGone);
        }
        gone.reset();
        UpdateHealth();
      } else {
        LogError(absl::StrCat(options_.name, ": cannot resume"),
                 {{"error", std::string(assigned.message())}});
      }
    }
    if (gone.has_value()) {
      // Stopped until told: nothing is read past a hole in the history.
      if (!Wait(options_.max_backoff)) return;
      continue;
    }
    // Wait for one record, then take what else has arrived.
    batch.clear();
    bool consume_failed = false;
    absl::Duration wait = options_.poll_wait;
    while (batch.size() < options_.max_batch) {
      absl::StatusOr<std::optional<Message>> msg = source_->Poll(wait);
      if (!msg.ok()) {
        if (std::optional<TopicPartition> where =
                HistoryGonePartition(msg.status())) {
          int64_t from = 0;
          {
            std::lock_guard<std::mutex> lock(mu_);
            from = status_.partitions[*where].next;
          }
          absl::StatusOr<Watermarks> w = source_->QueryWatermarks(*where);
          const int64_t to = w.ok() ? w->low : -1;
          std::string text = absl::StrCat(
              "partition ", where->second, " of ", where->first, ": offsets ",
              from, " to ", to >= 0 ? absl::StrCat(to - 1) : std::string("?"),
              " are no longer on the broker (retention, or the topic was "
              "recreated). Nothing after them is applied. Recover: re-publish "
              "the owning service's log (casectl admin republish --service "
              "SERVICE --from 1), then tell this consumer to go on from what "
              "the broker holds (casectl admin resume)");
          LogError(absl::StrCat(options_.name, ": stalled"),
                   {{"reason", text}});
          {
            // Where, what is missing and why, in one step: no reader sees
            // one without the others.
            std::lock_guard<std::mutex> lock(mu_);
            status_.gone = *where;
            status_.missing_from = from;
            status_.missing_to = to;
            problems_[Problem::kGone] = std::move(text);
          }
          UpdateHealth();
          break;
        }
        // Any other error: how long it lasts decides. Authorization, a
        // failed login and an unknown topic last until an operator acts.
        const absl::Status& error = msg.status();
        const absl::Time when = Now();
        consume_error_seen_ = true;
        if (!consume_error_since_) consume_error_since_ = when;
        const std::optional<TopicPartition> refused = ErrorPartition(error);
        const bool persistent =
            error.code() == absl::StatusCode::kPermissionDenied ||
            error.code() == absl::StatusCode::kUnauthenticated ||
            error.code() == absl::StatusCode::kNotFound;
        if (persistent && refused.has_value()) {
          refused_.insert(*refused);
          refused_probed_ = false;
        }
        if (persistent ||
            when - *consume_error_since_ >= options_.stall_after) {
          SetProblem(
              Problem::kConsume,
              absl::StrCat(
                  "cannot read the topics",
                  persistent ? ""
                             : absl::StrCat(" for ",
                                            absl::FormatDuration(
                                                when - *consume_error_since_)),
                  ": ", error.message()));
        } else {
          LogWarn(absl::StrCat(options_.name, ": consume error"),
                  {{"error", std::string(error.message())}});
        }
        consume_failed = true;
        break;
      }
      if (!msg->has_value()) break;
      batch.push_back(std::move(**msg));
      wait = absl::ZeroDuration();
    }
    if (batch.empty() && !consume_failed) last_idle_ = Now();
    if (!batch.empty()) {
      absl::Duration backoff = options_.backoff;
      Pending pending = Sort(batch);
      for (;;) {
        absl::Status s = Handle(pending);
        if (s.ok()) break;
        {
          std::lock_guard<std::mutex> lock(mu_);
          ++status_.retries;
        }
        SetProblem(Problem::kApply,
                   absl::StrCat("cannot apply records: ", s.message()));
        // Stopped before the records were applied: their offsets were not
        // stored, so the next start reads them again.
        if (!Wait(backoff)) return;
        backoff = std::min(backoff * 2, options_.max_backoff);
      }
      ClearProblem(Problem::kApply);
      NoteProgress(pending.next, Now());
    }
    // Every idle_check, busy or not: fresh ends, stopped partitions, new
    // partitions, lasting errors.
    const absl::Time now = Now();
    if (now - last_check_ >= options_.idle_check) {
      last_check_ = now;
      Check(now);
    }
    if (consume_failed && !Wait(options_.backoff)) return;
    RefreshEnds();
    UpdateHealth();
  }
}

metrics::CollectorHandle CollectRuntimeMetrics(const std::string& consumer,
                                               const ConsumerRuntime& runtime) {
  return metrics::CollectorHandle(metrics::Global(), [consumer, &runtime](
                                                         metrics::Scrape& s) {
    const RuntimeStatus st = runtime.Status();
    for (const auto& [tp, p] : st.partitions) {
      const metrics::Labels labels = {{"consumer", consumer},
                                      {"topic", tp.first},
                                      {"partition", absl::StrCat(tp.second)}};
      s.Gauge("casework_consumer_lag_records",
              "Records behind the partition's end", labels,
              static_cast<double>(p.lag()));
      s.Gauge("casework_consumer_next_offset",
              "The next offset the consumer applies", labels,
              static_cast<double>(p.next));
    }
    const metrics::Labels c = {{"consumer", consumer}};
    s.Counter("casework_consumer_applied_records_total",
              "Records applied since the process started", c,
              static_cast<double>(st.applied));
    s.Counter("casework_consumer_dead_lettered_records_total",
              "Records sent to a dead-letter topic since the process "
              "started",
              c, static_cast<double>(st.dead_lettered));
    s.Counter("casework_consumer_retries_total",
              "Failed attempts retried since the process started", c,
              static_cast<double>(st.retries));
    s.Gauge("casework_consumer_serving",
            "1 when caught up and healthy, 0 otherwise", c, st.serving ? 1 : 0);
    s.Gauge("casework_consumer_stalled",
            "1 when stopped until an operator acts (history gone, "
            "storage failing)",
            c, st.stalled ? 1 : 0);
  });
}

}  // namespace casework::kafka
