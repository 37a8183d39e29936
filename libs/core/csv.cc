#include "libs/core/csv.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace casework {

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  constexpr absl::string_view kBom = "\xEF\xBB\xBF";
  if (absl::StartsWith(text, kBom)) text.remove_prefix(kBom.size());
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool quoted_field = false;  // the current field was quoted
  bool in_quotes = false;
  bool after_quote = false;  // between a closing quote and the separator
  int line = 1;
  row.line = 1;
  auto end_field = [&] {
    row.fields.push_back(
        quoted_field ? field : std::string(absl::StripAsciiWhitespace(field)));
    field.clear();
    quoted_field = false;
    after_quote = false;
  };
  auto end_row = [&] {
    end_field();
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) rows.push_back(std::move(row));
    row = CsvRow();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      ++line;
      row.line = line;
    } else if (c == '"' && absl::StripAsciiWhitespace(field).empty() &&
               !after_quote) {
      field.clear();
      in_quotes = true;
      quoted_field = true;
    } else if (after_quote) {
      if (c == ' ' || c == '\t') continue;
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line, ": text after the closing quote of a field"));
    } else {
      field.push_back(c);
    }
  }
  if (in_quotes) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", row.line, ": a quoted field is not closed"));
  }
  end_row();
  return rows;
}

}  // namespace casework
