#include "libs/rpc/proto_date.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace casework {

bool IsSet(const v1::Date& d) {
  return d.year() != 0 || d.month() != 0 || d.day() != 0;
}

absl::StatusOr<Date> FromProto(absl::string_view field, const v1::Date& d) {
  if (!IsSet(d)) return FieldError(field, "is required");
  absl::StatusOr<Date> date = Date::FromYmd(d.year(), d.month(), d.day());
  if (!date.ok()) return FieldError(field, date.status().message());
  return *date;
}

absl::StatusOr<Date> FromProtoOr(absl::string_view field, const v1::Date& d,
                                 Date fallback) {
  if (!IsSet(d)) return fallback;
  return FromProto(field, d);
}

v1::Date ToProto(Date d) {
  v1::Date out;
  out.set_year(d.year());
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

absl::StatusOr<Date> StepDate(absl::string_view field, const v1::Date& d,
                              Date today, Date not_before,
                              absl::string_view not_before_what) {
  ASSIGN_OR_RETURN(Date date, FromProto(field, d));
  if (date > today) {
    return NotAllowed(absl::StrCat(field, ": ", date.ToString(),
                                   " is in the future (today is ",
                                   today.ToString(), ")"));
  }
  if (date < not_before) {
    return NotAllowed(absl::StrCat(field, ": ", date.ToString(), " is before ",
                                   not_before_what, " (", not_before.ToString(),
                                   ")"));
  }
  return date;
}

absl::Status ValidateId(absl::string_view field, absl::string_view value) {
  if (value.empty()) return FieldError(field, "is required");
  if (value.size() > 64)
    return FieldError(field, "must be at most 64 characters");
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
              c == '-';
    if (!ok) {
      return FieldError(
          field,
          absl::StrCat("'", absl::CHexEscape(value.substr(0, 64)),
                       "' may contain only letters, digits and . _ : -"));
    }
  }
  // A leading separator or ".." could read as a relative path or hidden name
  // wherever an id becomes part of a file name or URL.
  const char first = value.front();
  if (first == '.' || first == '-' || first == ':' || first == '_') {
    return FieldError(
        field, absl::StrCat("'", value, "' must start with a letter or digit"));
  }
  if (value.find("..") != absl::string_view::npos) {
    return FieldError(field,
                      absl::StrCat("'", value, "' must not contain '..'"));
  }
  return absl::OkStatus();
}

}  // namespace casework
