// CSV as spreadsheets and back offices write it (RFC 4180): fields separated
// by commas; a field in double quotes may hold commas, line breaks and
// doubled quotes (""); lines end in LF or CRLF; a UTF-8 byte-order mark at
// the start (Excel's "CSV UTF-8") is ignored; whitespace around a field that
// is not quoted is trimmed; blank lines are skipped. The one reader of every
// casectl import (plans, the officer directory).
#ifndef CASEWORK_LIBS_CORE_CSV_H_
#define CASEWORK_LIBS_CORE_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace casework {

struct CsvRow {
  int line = 0;  // the line the row starts on (from 1)
  std::vector<std::string> fields;
};

// Every row of `text`. INVALID_ARGUMENT naming the line when a quoted field
// is not closed, or text follows a closing quote.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_CSV_H_
