// Minimal structured logging to stderr: one line per call.
//
// Text format (default): `2026-11-30T04:00:00.000Z level=info msg="..." k=v`,
// a value quoted (with \" \\ \n \t and \xNN escapes) whenever it holds
// anything but [A-Za-z0-9._:/@+-], so a value can never forge another field
// or another line. JSON format (--log-format json or CASEWORK_LOG_FORMAT=json,
// for log shippers): one object per line, {"ts":...,"level":...,"msg":...,
// "k":"v"}, strings escaped as RFC 8259 requires.
//
// Level from CASEWORK_LOG_LEVEL (debug, info, warn, error; default info).
// Never log personal data: identifiers and codes only.
//
// Example:
//   LogInfo("server started", {{"service", "ehc-assessments"}, {"port",
//   "7101"}});
#ifndef CASEWORK_LIBS_CORE_LOG_H_
#define CASEWORK_LIBS_CORE_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace casework {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kText, kJson };

using LogField = std::pair<absl::string_view, std::string>;

bool LogEnabled(LogLevel level);
// "text" or "json"; INVALID_ARGUMENT naming --log-format otherwise. Applies
// from the next line (the default comes from CASEWORK_LOG_FORMAT).
absl::Status SetLogFormat(absl::string_view format);
LogFormat CurrentLogFormat();
// The line Log writes (without the time when `with_time` is false: tests).
std::string FormatLogLine(LogFormat format, LogLevel level,
                          absl::string_view message,
                          absl::Span<const LogField> fields,
                          bool with_time = true);
// A JSON string literal of `v`: ", \ and control characters escaped (RFC
// 8259), as the JSON log lines write values.
std::string JsonQuote(absl::string_view v);

void Log(LogLevel level, absl::string_view message,
         absl::Span<const LogField> fields = {});
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
