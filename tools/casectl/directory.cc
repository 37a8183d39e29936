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
  const std::vector<CsvRow> rows = ReadCsvFile(path);
  const std::vector<std::string>& header = rows[0].fields;
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  for (const char* required : {"kind", "id"}) {
    if (!column.contains(required)) {
      Die(absl::StrCat(path, ": line ", rows[0].line, ": the header has no '",
                       required,
                       "' column (kind, id, name, team_id, role, active, "
                       "manager_id)"));
    }
  }
  std::vector<kafka::Message> records;
  int line_no = 1, bad = 0;
  for (size_t row = 1; row < rows.size(); ++row) {
    line_no = rows[row].line;
    const std::vector<std::string>& f = rows[row].fields;
    auto get = [&](const char* name) -> std::string {
      auto it = column.find(name);
      if (it == column.end() || it->second >= f.size()) return "";
      return f[it->second];
    };
    auto reject = [&](const std::string& why) {
      ++bad;
      std::fprintf(stderr, "%s: line %d: %s\n", path.c_str(), line_no,
                   why.c_str());
    };
    if (f.size() != header.size()) {
      reject(absl::StrCat("has ", f.size(), " fields; the header has ",
                          header.size()));
      continue;
    }
    v1::DirectoryRecord r;
    const std::string kind = absl::AsciiStrToLower(get("kind"));
    const std::string id = get("id");
    if (absl::Status s = ValidateId("id", id); !s.ok()) {
      reject(std::string(s.message()));
      continue;
    }
    if (kind == "officer") {
      v1::Officer* o = r.mutable_officer();
      o->set_officer_id(id);
      o->set_name(get("name"));
      o->set_team_id(get("team_id"));
      o->set_role(get("role"));
      const std::string active = absl::AsciiStrToLower(get("active"));
      if (!active.empty() && active != "true" && active != "false") {
        reject("active: expected true or false");
        continue;
      }
      o->set_active(active != "false");
    } else if (kind == "team") {
      v1::Team* t = r.mutable_team();
      t->set_team_id(id);
      t->set_name(get("name"));
      t->set_manager_id(get("manager_id"));
    } else {
      reject(absl::StrCat("kind: '", kind, "' is not officer or team"));
      continue;
    }
    kafka::Message m;
    m.key = id;
    m.value = r.SerializeAsString();
    m.headers = {{"content-type", "application/protobuf"},
                 {"ce_type", kafka::kDirectoryRecordType}};
    records.push_back(std::move(m));
  }
  if (!records.empty()) {
    absl::StatusOr<std::unique_ptr<kafka::Producer>> producer =
        kafka::Producer::Create(brokers);
    if (!producer.ok()) Fail(std::string(producer.status().message()));
    absl::Status sent =
        (*producer)->Send("casework.directory.v1", records, absl::Seconds(20));
    if (!sent.ok()) Fail(std::string(sent.message()));
  }
  if (client.json()) {
    client.PrintJsonObject({{"published", absl::StrCat(records.size())},
                            {"rejected", absl::StrCat(bad)}},
                           {{"file", path}});
  } else {
    std::printf("%s: %zu record(s) published, %d rejected\n", path.c_str(),
                records.size(), bad);
  }
  (void)client;
  return bad == 0 ? 0 : 1;
}

}  // namespace casework::cli
