#include "services/projection/directory.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/kafka/topics.h"
#include "libs/rpc/proto_date.h"
#include "services/projection/keys.h"

namespace casework::projection::directory {
absl::StatusOr<v1::DirectoryRecord> Read(const kafka::Message& message) {
  return kafka::CheckDirectoryRecord(message);
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

std::map<std::string, std::string> Teams(rocksdb::DB* db) {
  std::map<std::string, std::string> out;
  PrefixScan it(db, "G");
  for (it->Seek("G"); it->Valid(); it->Next()) {
    v1::Team team;
    if (team.ParseFromArray(it->value().data(),
                            static_cast<int>(it->value().size()))) {
      out[team.team_id()] = team.name();
    }
  }
  return out;
}

std::map<std::string, std::string> Officers(rocksdb::DB* db) {
  std::map<std::string, std::string> out;
  {
    PrefixScan it(db, keys::kOfficerPrefix);
    for (it->Seek(keys::kOfficerPrefix); it->Valid(); it->Next()) {
      v1::Officer officer;
      if (officer.ParseFromArray(it->value().data(),
                                 static_cast<int>(it->value().size()))) {
        out[officer.officer_id()] = officer.team_id();
      }
    }
  }
  // Holders of work: the holdings ("H" officer NUL month) and outcomes ("Q"
  // officer NUL ...), one seek per officer.
  for (const char* prefix : {"H", "Q"}) {
    PrefixScan it(db, prefix);
    it->Seek(prefix);
    while (it->Valid()) {
      const absl::string_view key(it->key().data(), it->key().size());
      const size_t nul = key.find('\0');
      if (nul == absl::string_view::npos) {
        it->Next();
        continue;
      }
      const std::string officer(key.substr(1, nul - 1));
      if (!officer.empty()) out.emplace(officer, "");
      it->Seek(
          keys::PrefixEnd(absl::StrCat(prefix, officer, std::string(1, '\0'))));
    }
  }
  return out;
}

}  // namespace casework::projection::directory
