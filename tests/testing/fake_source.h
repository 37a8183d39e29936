// A topic in memory for consumer tests: partitions of records read from the
// assigned offsets, a first offset still held per partition (retention), and
// HistoryGoneError below it, as librdkafka reports with
// auto.offset.reset=error. A test can make it fail as a broker does: every
// poll an error (poll_error), the ends unknowable (watermarks_fail), one
// partition's fetch stopped until the next assignment (stuck), a fetch lost
// altogether (lose_fetch_after_assigns); partitions added to `logs` while it
// runs are counted by PartitionCount.
#ifndef CASEWORK_TESTS_TESTING_FAKE_SOURCE_H_
#define CASEWORK_TESTS_TESTING_FAKE_SOURCE_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "libs/kafka/consumer_runtime.h"

namespace casework::testutil {

using kafka::HistoryGoneError;
using kafka::Message;
using kafka::OffsetMap;
using kafka::RecordSource;
using kafka::TopicPartition;
using kafka::Watermarks;

class FakeSource final : public RecordSource {
 public:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::map<TopicPartition, std::vector<Message>> logs;
    std::map<TopicPartition, int64_t> low;  // first offset still held
    OffsetMap position;
    int assigns = 0;
    bool topic_exists = true;
    // A fetch lost in a broker outage: after this many assignments, polls
    // return nothing (though records wait) until the next assignment.
    int lose_fetch_after_assigns = -1;
    bool fetch_lost = false;
    absl::Status poll_error;       // returned by every poll while not OK
    absl::Status poll_error_once;  // returned by the next poll only
    // Partitions the broker refuses: their records never come, and the next
    // poll after each assignment says so (as librdkafka says it once).
    std::set<TopicPartition> refused;
    bool refusal_said = false;
    int polls = 0;
    bool watermarks_fail = false;
    std::set<TopicPartition> stuck;  // no records from these until assigned
  };
  explicit FakeSource(std::shared_ptr<State> state) : s_(std::move(state)) {}

  absl::StatusOr<int> PartitionCount(const std::string& topic) override {
    std::lock_guard<std::mutex> lock(s_->mu);
    if (!s_->topic_exists) return absl::NotFoundError("no topic");
    int n = 0;
    for (const auto& [tp, log] : s_->logs) n += tp.first == topic;
    return n;
  }
  absl::Status Assign(const OffsetMap& next) override {
    std::lock_guard<std::mutex> lock(s_->mu);
    s_->position = next;
    ++s_->assigns;
    s_->stuck.clear();
    s_->fetch_lost = s_->assigns == s_->lose_fetch_after_assigns;
    s_->refusal_said = false;
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<Message>> Poll(absl::Duration timeout) override {
    std::unique_lock<std::mutex> lock(s_->mu);
    ++s_->polls;
    s_->cv.notify_all();
    if (!s_->poll_error.ok()) return s_->poll_error;
    if (!s_->refused.empty() && !s_->refusal_said) {
      s_->refusal_said = true;
      return kafka::AboutPartition(
          absl::PermissionDeniedError("kafka consume: not authorized"),
          *s_->refused.begin());
    }
    if (!s_->poll_error_once.ok()) {
      absl::Status once = s_->poll_error_once;
      s_->poll_error_once = absl::OkStatus();
      return once;
    }
    if (s_->fetch_lost) {
      s_->cv.wait_for(lock, std::chrono::milliseconds(1));
      return std::optional<Message>();
    }
    for (auto& [tp, next] : s_->position) {
      if (next < 0 || s_->stuck.contains(tp) || s_->refused.contains(tp)) {
        continue;
      }
      if (next < s_->low[tp]) {
        next = -1;  // stops, as librdkafka does, until assigned again
        return HistoryGoneError(tp, "offset out of range");
      }
      const auto& log = s_->logs[tp];
      if (next < static_cast<int64_t>(log.size())) {
        return std::optional<Message>(log[static_cast<size_t>(next++)]);
      }
    }
    // Nothing now: a short wait (the runtime polls again).
    s_->cv.wait_for(lock, std::chrono::milliseconds(1));
    return std::optional<Message>();
  }
  absl::StatusOr<Watermarks> QueryWatermarks(
      const TopicPartition& tp) override {
    std::lock_guard<std::mutex> lock(s_->mu);
    if (s_->watermarks_fail) {
      return absl::UnavailableError("the broker did not answer");
    }
    return Watermarks{s_->low[tp], static_cast<int64_t>(s_->logs[tp].size())};
  }
  std::optional<int64_t> KnownEnd(const TopicPartition& tp) override {
    std::lock_guard<std::mutex> lock(s_->mu);
    return static_cast<int64_t>(s_->logs[tp].size());
  }

 private:
  std::shared_ptr<State> s_;
};

}  // namespace casework::testutil

#endif  // CASEWORK_TESTS_TESTING_FAKE_SOURCE_H_
