// Minimal structured logging to stderr: one line per call, `key=value` pairs,
// level from CASEWORK_LOG_LEVEL (debug, info, warn, error; default info). Never
// log personal data: identifiers and codes only.
//
// Example:
//   LogInfo("server started", {{"service", "ehc-assessments"}, {"port",
//   "7101"}});
#ifndef CASEWORK_LIBS_CORE_LOG_H_
#define CASEWORK_LIBS_CORE_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace casework {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using LogField = std::pair<absl::string_view, std::string>;

bool LogEnabled(LogLevel level);
void Log(LogLevel level, absl::string_view message,
         std::initializer_list<LogField> fields = {});
inline void LogDebug(absl::string_view m,
                     std::initializer_list<LogField> f = {}) {
  if (LogEnabled(LogLevel::kDebug)) Log(LogLevel::kDebug, m, f);
}
inline void LogInfo(absl::string_view m,
                    std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarn(absl::string_view m,
                    std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, m, f);
}
inline void LogError(absl::string_view m,
                     std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_LOG_H_
