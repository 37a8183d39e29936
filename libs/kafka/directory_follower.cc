#include "libs/kafka/directory_follower.h"

#include "casework/v1/directory.pb.h"
#include "libs/core/log.h"
#include "libs/core/thread.h"
#include "libs/kafka/topics.h"

namespace casework::kafka {

DirectoryFollower::DirectoryFollower(ConsumerOptions options)
    : options_(std::move(options)) {
  thread_ = std::thread([this] {
    SetCurrentThreadName("directory");
    Loop();
  });
}

DirectoryFollower::~DirectoryFollower() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

std::vector<std::string> DirectoryFollower::TeamsOf(
    const std::string& officer_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = team_of_.find(officer_id);
  if (it == team_of_.end() || it->second.empty()) return {};
  return {it->second};
}

void DirectoryFollower::Loop() {
  auto wait = [&](absl::Duration d) {
    std::unique_lock<std::mutex> lock(stop_mu_);
    stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(d),
                      [&] { return stop_.load(); });
    return !stop_;
  };
  absl::StatusOr<std::unique_ptr<Consumer>> consumer =
      Consumer::Create(options_);
  if (!consumer.ok()) {
    LogError("directory: cannot create consumer",
             {{"error", std::string(consumer.status().message())}});
    return;
  }
  absl::StatusOr<int> partitions = absl::UnavailableError("not asked yet");
  while (!stop_) {
    partitions = (*consumer)->PartitionCount(kDirectoryTopic, absl::Seconds(2));
    if (partitions.ok()) break;
    if (!wait(absl::Seconds(1))) return;
  }
  if (stop_) return;
  std::map<std::pair<std::string, int32_t>, int64_t> from;
  for (int32_t p = 0; p < *partitions; ++p) from[{kDirectoryTopic, p}] = 0;
  if (absl::Status s = (*consumer)->Assign(from); !s.ok()) {
    LogError("directory: cannot assign", {{"error", std::string(s.message())}});
    return;
  }
  while (!stop_) {
    absl::StatusOr<std::optional<Message>> m =
        (*consumer)->Poll(absl::Milliseconds(200));
    if (!m.ok() || !m->has_value()) continue;
    // The topic's contract first: a record of another type, or not valid,
    // must not change who holds which case (the projection dead-letters it).
    absl::StatusOr<v1::DirectoryRecord> record = CheckDirectoryRecord(**m);
    if (!record.ok()) {
      LogWarn("directory: skipped a record that breaks the topic's contract",
              {{"partition", std::to_string((*m)->partition)},
               {"offset", std::to_string((*m)->offset)},
               {"reason", std::string(record.status().message())}});
      continue;
    }
    if (!record->has_officer()) continue;  // teams
    const v1::Officer& o = record->officer();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (o.active()) {
        team_of_[o.officer_id()] = o.team_id();
      } else {
        team_of_.erase(o.officer_id());
      }
    }
    ++records_;
  }
}

absl::StatusOr<std::unique_ptr<DirectoryFollower>> FollowDirectory(
    const std::string& brokers, const std::string& kafka_config,
    const std::string& service) {
  if (brokers.empty()) return std::unique_ptr<DirectoryFollower>();
  absl::StatusOr<std::map<std::string, std::string>> properties =
      ParseProperties(kafka_config);
  if (!properties.ok()) return properties.status();
  return std::make_unique<DirectoryFollower>(
      ConsumerOptions{.brokers = brokers,
                      .properties = *properties,
                      .group_id = service + "-directory",
                      .complete_history = false});
}

std::function<std::vector<std::string>(const std::string&)> TeamsFrom(
    const DirectoryFollower* follower) {
  if (follower == nullptr) return nullptr;
  return [follower](const std::string& officer) {
    return follower->TeamsOf(officer);
  };
}

}  // namespace casework::kafka
