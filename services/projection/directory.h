// The officer directory read model (D and G keys), from the back office's
// casework.directory.v1 records: the latest record for an id wins.
#ifndef CASEWORK_SERVICES_PROJECTION_DIRECTORY_H_
#define CASEWORK_SERVICES_PROJECTION_DIRECTORY_H_

#include <rocksdb/db.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/directory.pb.h"
#include "libs/kafka/kafka.h"
#include "services/projection/store.h"

namespace casework::projection::directory {

inline constexpr char kTopic[] = "casework.directory.v1";

// The record of a directory message (kafka::CheckDirectoryRecord);
// INVALID_ARGUMENT saying why it is not a valid one (then it is
// dead-lettered).
absl::StatusOr<v1::DirectoryRecord> Read(const kafka::Message& message);

void Apply(Batch& batch, const v1::DirectoryRecord& record);

// The officers of a team; an officer's team (empty when unknown); a team's
// name (nullopt when the directory has no such team). Read the query
// snapshot when in a query.
std::vector<std::string> TeamMembers(rocksdb::DB* db,
                                     const std::string& team_id);
std::vector<std::string> TeamsOf(rocksdb::DB* db,
                                 const std::string& officer_id);
std::optional<std::string> TeamName(rocksdb::DB* db,
                                    const std::string& team_id);

// Every team of the directory: id -> name.
std::map<std::string, std::string> Teams(rocksdb::DB* db);
// Every officer the LA's read models know: those of the directory and those
// holding or having held work (an officer the directory does not list still
// counts in the LA's figures): id -> team id (empty when in no team).
std::map<std::string, std::string> Officers(rocksdb::DB* db);

}  // namespace casework::projection::directory

#endif  // CASEWORK_SERVICES_PROJECTION_DIRECTORY_H_
