// Status helpers: the RETURN_IF_ERROR / ASSIGN_OR_RETURN macros (Debian's
// abseil 20220623 predates abseil's own) and constructors for the project's
// common errors.
//
// Example:
//   RETURN_IF_ERROR(ValidateChildId(request.child_id()));
//   ASSIGN_OR_RETURN(Date received, ParseDateField("received_on",
//   request.received_on()));
#ifndef CASEWORK_LIBS_CORE_STATUS_H_
#define CASEWORK_LIBS_CORE_STATUS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#define CASEWORK_CONCAT_INNER_(a, b) a##b
#define CASEWORK_CONCAT_(a, b) CASEWORK_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::absl::Status casework_status_ = (expr);            \
    if (!casework_status_.ok()) return casework_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  CASEWORK_ASSIGN_OR_RETURN_IMPL_(  \
      CASEWORK_CONCAT_(casework_statusor_, __LINE__), lhs, expr)

#define CASEWORK_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return statusor.status();              \
  lhs = std::move(statusor).value()

namespace casework {

// INVALID_ARGUMENT naming the offending field: "<field>: <why>".
absl::Status FieldError(absl::string_view field, absl::string_view why);

// FAILED_PRECONDITION: a step the law or the case's state does not allow.
absl::Status NotAllowed(absl::string_view why);

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_STATUS_H_
