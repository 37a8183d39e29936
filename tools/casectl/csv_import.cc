#include "tools/casectl/csv_import.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace casework::cli {

std::string CsvImport::Row::Get(absl::string_view column) const {
  auto it = file_.column_.find(column);
  if (it == file_.column_.end() || it->second >= fields_.size()) return "";
  return std::string(absl::StripAsciiWhitespace(fields_[it->second]));
}

CsvImport::CsvImport(const std::string& path,
                     const std::vector<std::string>& required,
                     const std::vector<std::string>& known,
                     absl::string_view columns)
    : path_(path), rows_(ReadCsvFile(path)) {
  const CsvRow& header = rows_[0];
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name(absl::StripAsciiWhitespace(header.fields[i]));
    if (!known.empty() &&
        std::find(known.begin(), known.end(), name) == known.end()) {
      Die(absl::StrCat(path, ": line ", header.line, ": unknown column '", name,
                       "' (columns: ", columns, ")"));
    }
    column_[name] = i;
  }
  for (const std::string& name : required) {
    if (!column_.contains(name)) {
      Die(absl::StrCat(path, ": line ", header.line, ": the header has no '",
                       name, "' column (columns: ", columns, ")"));
    }
  }
}

void CsvImport::ForEach(const std::function<void(const Row&)>& each) {
  const size_t width = rows_[0].fields.size();
  for (size_t i = 1; i < rows_.size() && !stopped_; ++i) {
    const Row row(*this, rows_[i]);
    if (rows_[i].fields.size() != width) {
      Reject(row, absl::StrCat("has ", rows_[i].fields.size(),
                               " fields; the header has ", width));
      continue;
    }
    each(row);
  }
}

void CsvImport::Reject(const Row& row, absl::string_view why) {
  ++rejected_;
  std::fprintf(stderr, "%s: line %d: %s\n", path_.c_str(), row.line(),
               std::string(why).c_str());
}

int PublishImport(const Args& a, Client& client, const CsvImport& file,
                  const std::string& brokers, const std::string& topic,
                  const std::vector<kafka::Message>& records,
                  absl::string_view what) {
  absl::StatusOr<std::map<std::string, std::string>> props =
      kafka::ParseProperties(
          a.Get("kafka-config", Env("CASEWORK_KAFKA_CONFIG", "")));
  if (!props.ok())
    Die(absl::StrCat("--kafka-config: ", props.status().message()));
  const std::string password_file =
      a.Get("kafka-password-file", Env("CASEWORK_KAFKA_PASSWORD_FILE", ""));
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    std::string password;
    if (!std::getline(in, password) ||
        absl::StripAsciiWhitespace(password).empty()) {
      Die(absl::StrCat("--kafka-password-file: ", password_file,
                       " cannot be read or is empty"));
    }
    (*props)["sasl.password"] =
        std::string(absl::StripAsciiWhitespace(password));
  }
  if (!records.empty()) {
    absl::StatusOr<std::unique_ptr<kafka::Producer>> producer =
        kafka::Producer::Create(brokers, *props);
    if (!producer.ok()) Fail(std::string(producer.status().message()));
    absl::Status sent = (*producer)->Send(topic, records, absl::Seconds(20));
    if (!sent.ok()) Fail(std::string(sent.message()));
  }
  if (client.json()) {
    client.PrintJsonObject({{"published", absl::StrCat(records.size())},
                            {"rejected", absl::StrCat(file.rejected())}},
                           {{"file", file.path()}});
  } else {
    std::printf("%s: %zu %s published, %d rejected\n", file.path().c_str(),
                records.size(), std::string(what).c_str(), file.rejected());
  }
  return file.rejected() == 0 ? 0 : 1;
}

}  // namespace casework::cli
