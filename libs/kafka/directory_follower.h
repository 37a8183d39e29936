// DirectoryFollower: the officer directory (topic casework.directory.v1, as
// the LA's back office publishes it) kept in memory by a domain service, so
// it can tell which team holds a case (Authorizer::AuthorizeCase). A
// background thread reads every partition from the start and keeps the last
// record of each officer; records it cannot read are skipped (the projection
// dead-letters them). Until the first records arrive every officer's team is
// unknown, and the case checks fail closed.
//
// Thread safety: TeamsOf is thread-safe; construct and destroy from one
// thread.
#ifndef CASEWORK_LIBS_KAFKA_DIRECTORY_FOLLOWER_H_
#define CASEWORK_LIBS_KAFKA_DIRECTORY_FOLLOWER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "libs/kafka/kafka.h"

namespace casework::kafka {

inline constexpr char kDirectoryTopic[] = "casework.directory.v1";

class DirectoryFollower final {
 public:
  explicit DirectoryFollower(ConsumerOptions options);
  ~DirectoryFollower();
  DirectoryFollower(const DirectoryFollower&) = delete;
  DirectoryFollower& operator=(const DirectoryFollower&) = delete;

  // The team of an active officer (empty when unknown or inactive).
  std::vector<std::string> TeamsOf(const std::string& officer_id) const;
  // Directory records applied so far (tests wait on it).
  int64_t records() const { return records_.load(); }

 private:
  void Loop();

  const ConsumerOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> team_of_;  // active officers only
  std::atomic<int64_t> records_{0};
  std::atomic<bool> stop_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  std::thread thread_;
};

// A follower for a service started with `brokers` (null without brokers: no
// Kafka, no directory); `kafka_config` as ParseProperties reads it (its
// errors returned).
absl::StatusOr<std::unique_ptr<DirectoryFollower>> FollowDirectory(
    const std::string& brokers, const std::string& kafka_config,
    const std::string& service);

// The teams lookup of the Authorizer (auth::TeamLookup) backed by
// `follower`, which must outlive it; an empty function for null.
std::function<std::vector<std::string>(const std::string&)> TeamsFrom(
    const DirectoryFollower* follower);

}  // namespace casework::kafka

#endif  // CASEWORK_LIBS_KAFKA_DIRECTORY_FOLLOWER_H_
