// The domain services' directory follower reads the officer directory from a
// real Kafka-protocol broker, and applies the topic's contract: a record of
// another type, or one without its type, never changes who is in which team.
#include "libs/kafka/directory_follower.h"

#include <gtest/gtest.h>

#include "casework/v1/directory.pb.h"
#include "libs/kafka/topics.h"

namespace casework::kafka {
namespace {

Message Officer(const std::string& id, const std::string& team,
                const std::string& type) {
  v1::DirectoryRecord r;
  r.mutable_officer()->set_officer_id(id);
  r.mutable_officer()->set_team_id(team);
  r.mutable_officer()->set_active(true);
  Message m;
  m.key = "same-key";  // one partition: the records keep their order
  m.value = r.SerializeAsString();
  if (!type.empty()) m.headers = {{"ce_type", type}};
  return m;
}

TEST(DirectoryFollowerTest, OnlyRecordsOfTheDirectoryTypeChangeTeams) {
  auto broker = EmbeddedBroker::Start();
  ASSERT_TRUE(broker.ok());
  ASSERT_TRUE((*broker)->CreateTopic(kDirectoryTopic, 3).ok());
  auto producer = Producer::Create((*broker)->bootstrap_servers());
  ASSERT_TRUE(producer.ok());
  // Forged first: the same bytes as a directory record, but typed as an
  // event of another topic, and untyped; then the real one.
  ASSERT_TRUE(
      (*producer)
          ->Send(kDirectoryTopic,
                 {Officer("officer-x", "team-forged",
                          "uk.send.casework.ehc.v1.RequestRecorded"),
                  Officer("officer-y", "team-forged", ""),
                  Officer("officer-z", "team-north", kDirectoryRecordType)})
          .ok());
  DirectoryFollower follower(
      ConsumerOptions{.brokers = (*broker)->bootstrap_servers(),
                      .properties = {{"fetch.wait.max.ms", "20"}},
                      .group_id = "test-directory",
                      .complete_history = false});
  for (int i = 0; i < 3000 && follower.records() < 1; ++i) {
    absl::SleepFor(absl::Milliseconds(10));  // bounded wait for the thread
  }
  ASSERT_EQ(follower.records(), 1);
  EXPECT_EQ(follower.TeamsOf("officer-z"),
            std::vector<std::string>{"team-north"});
  EXPECT_TRUE(follower.TeamsOf("officer-x").empty());
  EXPECT_TRUE(follower.TeamsOf("officer-y").empty());
}

}  // namespace
}  // namespace casework::kafka
