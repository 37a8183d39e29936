// casectl directory import FILE.csv: publishes officers and teams to the
// directory topic, as an LA's back office would.
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/directory.pb.h"
#include "libs/kafka/kafka.h"
#include "libs/kafka/topics.h"
#include "libs/rpc/proto_date.h"
#include "tools/casectl/cli.h"
#include "tools/casectl/csv_import.h"

namespace casework::cli {

// Columns (header row required): kind (officer | team), id, name, team_id,
// role, active (true/false), manager_id. Bad rows are reported by line and
// not sent; the rest are published (key = the id) to casework.directory.v1.
// Brokers: --brokers or CASEWORK_BROKERS. Exit status 1 when a row was bad.
int RunDirectoryImport(const Args& a, Client& client) {
  const std::string path = Positional(a, 2, "CSV file");
  const std::string brokers = a.Get("brokers", Env("CASEWORK_BROKERS", ""));
  if (brokers.empty()) {
    Die("--brokers HOST:PORT (or CASEWORK_BROKERS) is required: the directory "
        "is published to Kafka");
  }
  CsvImport file(path, {"kind", "id"}, {},
                 "kind, id, name, team_id, role, active, manager_id");
  std::vector<kafka::Message> records;
  file.ForEach([&](const CsvImport::Row& row) {
    v1::DirectoryRecord r;
    const std::string kind = absl::AsciiStrToLower(row.Get("kind"));
    const std::string id = row.Get("id");
    if (absl::Status s = ValidateId("id", id); !s.ok()) {
      file.Reject(row, s.message());
      return;
    }
    if (kind == "officer") {
      v1::Officer* o = r.mutable_officer();
      o->set_officer_id(id);
      o->set_name(row.Get("name"));
      o->set_team_id(row.Get("team_id"));
      o->set_role(row.Get("role"));
      const std::string active = absl::AsciiStrToLower(row.Get("active"));
      if (!active.empty() && active != "true" && active != "false") {
        file.Reject(row, "active: expected true or false");
        return;
      }
      o->set_active(active != "false");
    } else if (kind == "team") {
      v1::Team* t = r.mutable_team();
      t->set_team_id(id);
      t->set_name(row.Get("name"));
      t->set_manager_id(row.Get("manager_id"));
    } else {
      file.Reject(row,
                  absl::StrCat("kind: '", kind, "' is not officer or team"));
      return;
    }
    kafka::Message m;
    m.key = id;
    m.value = r.SerializeAsString();
    m.headers = {{"content-type", "application/protobuf"},
                 {"ce_type", kafka::kDirectoryRecordType}};
    records.push_back(std::move(m));
  });
  return PublishImport(a, client, file, brokers, "casework.directory.v1",
                       records, "record(s)");
}

}  // namespace casework::cli
