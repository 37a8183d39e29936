#include "services/statutory-returns/store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/core/rocks_db.h"
#include "libs/core/rocks_status.h"
#include "libs/core/status.h"
#include "libs/kafka/topics.h"
#include "libs/rpc/proto_date.h"
#include "services/statutory-returns/people.h"

namespace casework::returns {
namespace {

constexpr char kComponent[] = "statutory-returns";
constexpr char kChildPrefix[] = "c/";
constexpr char kOffsetPrefix[] = "o/";

std::string ChildPrefix(absl::string_view child) {
  return absl::StrCat(kChildPrefix, child, "/");
}

std::string OffsetKey(const kafka::TopicPartition& tp) {
  return absl::StrCat(kOffsetPrefix, tp.first, "/", tp.second);
}

// The sources whose events a return is made from.
bool Kept(absl::string_view source) {
  return source == "ehc-assessments" || source == "annual-reviews" ||
         source == "complaints";
}

}  // namespace

std::vector<std::string> ReturnsTopics() {
  std::vector<std::string> out;
  for (const kafka::DomainTopic& t : kafka::DomainTopics()) {
    if (Kept(t.service)) out.push_back(t.topic);
  }
  out.push_back(kPeopleTopic);
  return out;
}

absl::Status ReturnsSink::Check(const kafka::Message& record) {
  if (record.topic == kPeopleTopic) {
    return CheckPersonRecord(record).status();
  }
  const kafka::DomainTopic* topic = kafka::FindDomainTopic(record.topic);
  if (topic == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "topic ", record.topic, " is not one the statutory returns read"));
  }
  ASSIGN_OR_RETURN(v1::EventEnvelopeHeader header,
                   kafka::CheckDomainRecord(*topic, record));
  if (header.metadata().child_id().empty()) {
    return absl::InvalidArgumentError("metadata.child_id: missing");
  }
  return ValidateId("metadata.child_id", header.metadata().child_id());
}

absl::StatusOr<std::unique_ptr<ReturnsStore>> ReturnsStore::Open(
    const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  options.info_log = ProcessLogForRocks("statutory returns");
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the statutory returns store at ", dir, ": ",
                     s.ToString()));
  }
  return std::unique_ptr<ReturnsStore>(new ReturnsStore(raw));
}

absl::Status ReturnsStore::Destroy(const std::string& dir) {
  return FromRocks(rocksdb::DestroyDB(dir, rocksdb::Options()),
                   absl::StrCat("delete ", dir), kComponent);
}

ReturnsStore::~ReturnsStore() { delete db_; }

absl::StatusOr<kafka::OffsetMap> ReturnsStore::StoredOffsets() const {
  kafka::OffsetMap out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kOffsetPrefix);
       it->Valid() && it->key().starts_with(kOffsetPrefix); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    key.remove_prefix(sizeof(kOffsetPrefix) - 1);
    const size_t slash = key.rfind('/');
    int32_t partition = 0;
    int64_t next = 0;
    if (slash == absl::string_view::npos ||
        !absl::SimpleAtoi(key.substr(slash + 1), &partition) ||
        !absl::SimpleAtoi(
            absl::string_view(it->value().data(), it->value().size()), &next)) {
      return absl::DataLossError(absl::StrCat(kComponent, ": offset record '",
                                              key, "' is not readable"));
    }
    out[{std::string(key.substr(0, slash)), partition}] = next;
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read offsets", kComponent));
  return out;
}

absl::Status ReturnsStore::Apply(const std::vector<kafka::Message>& records,
                                 const kafka::OffsetMap& next) {
  rocksdb::WriteBatch batch;
  for (const kafka::Message& record : records) {
    if (record.topic == kPeopleTopic) {
      ASSIGN_OR_RETURN(v1::PersonRecord person, CheckPersonRecord(record));
      batch.Put(absl::StrCat(ChildPrefix(person.child_id()), "p"),
                person.SerializeAsString());
      continue;
    }
    const kafka::DomainTopic* topic = kafka::FindDomainTopic(record.topic);
    if (topic == nullptr || !Kept(topic->service)) continue;
    ASSIGN_OR_RETURN(v1::EventEnvelopeHeader header,
                     kafka::CheckDomainRecord(*topic, record));
    const v1::EventMetadata& m = header.metadata();
    // The envelope as the service wrote it (decoded from JSON if need be).
    std::unique_ptr<google::protobuf::Message> envelope(topic->envelope->New());
    RETURN_IF_ERROR(kafka::DecodeValue(record, envelope.get()));
    batch.Put(absl::StrFormat("%se/%s/%s/%016d", ChildPrefix(m.child_id()),
                              topic->service, m.stream_id(), m.version()),
              envelope->SerializeAsString());
  }
  for (const auto& [tp, offset] : next) {
    batch.Put(OffsetKey(tp), absl::StrCat(offset));
  }
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "write",
                   kComponent);
}

namespace {

// Adds one stored value under `rest` ("p" or "e/<source>/...") to `child`.
absl::Status AddValue(ChildData& child, absl::string_view rest,
                      absl::string_view value) {
  auto parse = [&](google::protobuf::Message& m) -> absl::Status {
    if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError(absl::StrCat(kComponent, ": stored value of ",
                                              child.child_id, " ", rest,
                                              " does not decode"));
    }
    return absl::OkStatus();
  };
  if (rest == "p") {
    v1::PersonRecord p;
    RETURN_IF_ERROR(parse(p));
    child.person = std::move(p);
  } else if (absl::StartsWith(rest, "e/ehc-assessments/")) {
    RETURN_IF_ERROR(parse(child.ehc.emplace_back()));
  } else if (absl::StartsWith(rest, "e/annual-reviews/")) {
    RETURN_IF_ERROR(parse(child.reviews.emplace_back()));
  } else if (absl::StartsWith(rest, "e/complaints/")) {
    RETURN_IF_ERROR(parse(child.complaints.emplace_back()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReturnsStore::ForEachChild(
    const std::function<absl::Status(const ChildData&)>& fn) const {
  rocksdb::ReadOptions read;
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
  absl::Status result;
  ChildData child;
  for (it->Seek(kChildPrefix);
       it->Valid() && it->key().starts_with(kChildPrefix); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    key.remove_prefix(sizeof(kChildPrefix) - 1);
    const size_t slash = key.find('/');
    if (slash == absl::string_view::npos) continue;
    const absl::string_view id = key.substr(0, slash);
    if (id != child.child_id) {
      if (!child.child_id.empty()) {
        result = fn(child);
        if (!result.ok()) break;
      }
      child = ChildData{.child_id = std::string(id)};
    }
    result =
        AddValue(child, key.substr(slash + 1),
                 absl::string_view(it->value().data(), it->value().size()));
    if (!result.ok()) break;
  }
  if (result.ok()) result = FromRocks(it->status(), "scan", kComponent);
  if (result.ok() && !child.child_id.empty()) result = fn(child);
  it.reset();
  db_->ReleaseSnapshot(snapshot);
  return result;
}

absl::StatusOr<ChildData> ReturnsStore::Child(
    const std::string& child_id) const {
  ChildData child{.child_id = child_id};
  const std::string prefix = ChildPrefix(child_id);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  bool any = false;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    any = true;
    absl::string_view key(it->key().data(), it->key().size());
    key.remove_prefix(prefix.size());
    RETURN_IF_ERROR(AddValue(
        child, key, absl::string_view(it->value().data(), it->value().size())));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read child", kComponent));
  if (!any)
    return absl::NotFoundError(
        absl::StrCat("child_id: ", child_id, " has nothing kept"));
  return child;
}

RocksFigures ReturnsStore::DbFigures() const { return ReadRocksFigures(*db_); }

}  // namespace casework::returns
