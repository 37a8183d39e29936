#include "services/projection/directory.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"
#include "services/projection/keys.h"

namespace casework::projection::directory {
namespace {

std::string HeaderOf(const kafka::Message& m, absl::string_view key) {
  for (const kafka::Header& h : m.headers) {
    if (h.key == key) return h.value;
  }
  return "";
}

}  // namespace

absl::StatusOr<v1::DirectoryRecord> Read(const kafka::Message& message) {
  // A record of another type (an event published to the wrong topic) would
  // parse as a directory record by accident: the type must say what it is.
  const std::string type = HeaderOf(message, "ce_type");
  if (type != kType) {
    return absl::InvalidArgumentError(
        absl::StrCat("ce_type: '", type.substr(0, 100), "' is not ", kType,
                     " (the only type casework.directory.v1 carries)"));
  }
  v1::DirectoryRecord record;
  if (absl::Status s = kafka::DecodeValue(message, &record); !s.ok()) {
    return s;
  }
  if (record.has_officer()) {
    const v1::Officer& o = record.officer();
    RETURN_IF_ERROR(ValidateId("officer_id", o.officer_id()));
    if (!o.team_id().empty() && !ValidateId("team_id", o.team_id()).ok()) {
      return absl::InvalidArgumentError("team_id: not a valid id");
    }
  } else if (record.has_team()) {
    RETURN_IF_ERROR(ValidateId("team_id", record.team().team_id()));
  } else {
    return absl::InvalidArgumentError("neither an officer nor a team");
  }
  return record;
}

void Apply(Batch& batch, const v1::DirectoryRecord& record) {
  if (record.has_officer()) {
    batch.Put(keys::Officer(record.officer().officer_id()),
              record.officer().SerializeAsString());
  } else if (record.has_team()) {
    batch.Put(keys::Team(record.team().team_id()),
              record.team().SerializeAsString());
  }
}

std::vector<std::string> TeamMembers(rocksdb::DB* db,
                                     const std::string& team_id) {
  std::vector<std::string> out;
  PrefixScan it(db, keys::kOfficerPrefix);
  for (it->Seek(keys::kOfficerPrefix); it->Valid(); it->Next()) {
    v1::Officer officer;
    if (officer.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size())) &&
        officer.team_id() == team_id) {
      out.push_back(officer.officer_id());
    }
  }
  return out;
}

std::vector<std::string> TeamsOf(rocksdb::DB* db,
                                 const std::string& officer_id) {
  std::string value;
  v1::Officer officer;
  if (!db->Get(QueryReadOptions(), keys::Officer(officer_id), &value).ok() ||
      !officer.ParseFromString(value) || officer.team_id().empty()) {
    return {};
  }
  return {officer.team_id()};
}

std::optional<std::string> TeamName(rocksdb::DB* db,
                                    const std::string& team_id) {
  std::string value;
  v1::Team team;
  if (!db->Get(QueryReadOptions(), keys::Team(team_id), &value).ok() ||
      !team.ParseFromString(value)) {
    return std::nullopt;
  }
  return team.name();
}

}  // namespace casework::projection::directory
