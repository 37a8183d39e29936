// The plumbing every casectl CSV import shares: the header mapped by column
// name (required columns checked, unknown ones refused when the import says
// which it knows), each data row with its line and fields by name, rows
// rejected by line on stderr and counted, and the summary (text or JSON).
// A file that cannot be read or whose header is wrong ends casectl (Die).
#ifndef CASEWORK_TOOLS_CASECTL_CSV_IMPORT_H_
#define CASEWORK_TOOLS_CASECTL_CSV_IMPORT_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/core/csv.h"
#include "libs/kafka/kafka.h"
#include "tools/casectl/cli.h"

namespace casework::cli {

class CsvImport {
 public:
  // One data row: its line in the file and its fields by column name
  // (white space around a value trimmed; "" for a column the file lacks).
  class Row {
   public:
    int line() const { return line_; }
    std::string Get(absl::string_view column) const;

   private:
    friend class CsvImport;
    Row(const CsvImport& file, const CsvRow& row)
        : file_(file), line_(row.line), fields_(row.fields) {}
    const CsvImport& file_;
    int line_;
    const std::vector<std::string>& fields_;
  };

  // Reads `path`. `required`: columns the header must have; `known`, when not
  // empty: the only columns it may have. `columns` (for messages) lists them.
  CsvImport(const std::string& path, const std::vector<std::string>& required,
            const std::vector<std::string>& known, absl::string_view columns);

  // Calls `each` for each data row, until one calls Stop(); a row with
  // another number of fields than the header is rejected without it.
  void ForEach(const std::function<void(const Row&)>& each);
  void Stop() { stopped_ = true; }
  // Reports the row as rejected (stderr: "FILE: line N: why") and counts it.
  void Reject(const Row& row, absl::string_view why);
  int rejected() const { return rejected_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<CsvRow> rows_;
  std::map<std::string, size_t, std::less<>> column_;
  int rejected_ = 0;
  bool stopped_ = false;
};

// Sends `records` to `topic` on `brokers` (each acknowledged, or casectl
// fails saying why), then prints "FILE: N <what> published, M rejected" (or
// JSON) and returns the exit status: 0, or 1 when a row was rejected. On a
// secured cluster the client settings come from --kafka-config (or
// CASEWORK_KAFKA_CONFIG) and the SASL password from --kafka-password-file
// (or CASEWORK_KAFKA_PASSWORD_FILE), as the services take them.
int PublishImport(const Args& a, Client& client, const CsvImport& file,
                  const std::string& brokers, const std::string& topic,
                  const std::vector<kafka::Message>& records,
                  absl::string_view what);

}  // namespace casework::cli

#endif  // CASEWORK_TOOLS_CASECTL_CSV_IMPORT_H_
