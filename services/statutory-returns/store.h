// ReturnsStore: what the statutory returns keep, in their own RocksDB: for
// each child, the person details (casework.people.v1) and the events of the
// processes SEN2 reports (EHC assessments, plans and their reviews,
// disagreements), each under its stream and version; and the next offset of
// every partition read, written in the same batch as the records'
// effects. A return is then derived from a child's events whenever asked, for
// any census (a past one as it stood), and a record applied twice (a
// re-delivery, a re-published log) overwrites itself: order and repeats
// change nothing.
//
// Keys: c/<child>/p (person), c/<child>/e/<source>/<stream>/<version, 16
// digits> (event: the envelope as published), o/<topic>/<partition> (offset).
//
// Thread safety: Apply from one thread (the consumer runtime's); reads from
// any thread (RocksDB snapshots).
#ifndef CASEWORK_SERVICES_STATUTORY_RETURNS_STORE_H_
#define CASEWORK_SERVICES_STATUTORY_RETURNS_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/annual_review.pb.h"
#include "casework/v1/complaints.pb.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "casework/v1/people.pb.h"
#include "libs/core/rocks_db.h"
#include "libs/kafka/consumer_runtime.h"

namespace rocksdb {
class DB;
}

namespace casework::returns {

// Everything kept of one child, each stream's events in version order.
struct ChildData {
  std::string child_id;
  std::optional<v1::PersonRecord> person;
  std::vector<v1::EhcAssessmentEvent> ehc;
  std::vector<v1::AnnualReviewEvent> reviews;
  std::vector<v1::ComplaintsEvent> complaints;
};

class ReturnsStore {
 public:
  static absl::StatusOr<std::unique_ptr<ReturnsStore>> Open(
      const std::string& dir);
  static absl::Status Destroy(const std::string& dir);
  ~ReturnsStore();

  absl::StatusOr<kafka::OffsetMap> StoredOffsets() const;
  // Applies checked records and stores `next`, atomically.
  absl::Status Apply(const std::vector<kafka::Message>& records,
                     const kafka::OffsetMap& next);
  // Calls `fn` for every child with anything kept, in child id order, from
  // one consistent snapshot; stops at the first error.
  absl::Status ForEachChild(
      const std::function<absl::Status(const ChildData&)>& fn) const;
  // One child (NOT_FOUND when nothing is kept).
  absl::StatusOr<ChildData> Child(const std::string& child_id) const;
  RocksFigures DbFigures() const;

 private:
  explicit ReturnsStore(rocksdb::DB* db) : db_(db) {}
  rocksdb::DB* db_;
};

// The contract check of every topic the service reads (the domain topics and
// casework.people.v1), and the apply step, for the consumer runtime.
class ReturnsSink final : public kafka::RecordSink {
 public:
  explicit ReturnsSink(ReturnsStore& store) : store_(store) {}
  absl::StatusOr<kafka::OffsetMap> StoredOffsets(
      const std::vector<kafka::TopicPartition>&) override {
    return store_.StoredOffsets();
  }
  absl::Status Check(const kafka::Message& record) override;
  absl::Status Apply(const std::vector<kafka::Message>& records,
                     const kafka::OffsetMap& next) override {
    return store_.Apply(records, next);
  }

 private:
  ReturnsStore& store_;
};

// The topics the service reads.
std::vector<std::string> ReturnsTopics();

}  // namespace casework::returns

#endif  // CASEWORK_SERVICES_STATUTORY_RETURNS_STORE_H_
