#include "libs/core/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace casework {
namespace {

LogLevel ConfiguredLevel() {
  const char* env = std::getenv("CASEWORK_LOG_LEVEL");
  if (env == nullptr) return LogLevel::kInfo;
  if (std::strcmp(env, "debug") == 0) return LogLevel::kDebug;
  if (std::strcmp(env, "warn") == 0) return LogLevel::kWarn;
  if (std::strcmp(env, "error") == 0) return LogLevel::kError;
  return LogLevel::kInfo;
}

std::atomic<int>& Format() {
  static std::atomic<int> format{[] {
    const char* env = std::getenv("CASEWORK_LOG_FORMAT");
    return env != nullptr && std::strcmp(env, "json") == 0
               ? static_cast<int>(LogFormat::kJson)
               : static_cast<int>(LogFormat::kText);
  }()};
  return format;
}

const char* Name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool Bare(absl::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::strchr("._:/@+-", c) == nullptr) {
      return false;
    }
  }
  return true;
}

// A double-quoted string with ", \ and control characters escaped; `json`
// uses \u00XX (RFC 8259), text \xNN.
void AppendQuoted(std::string* out, absl::string_view v, bool json) {
  out->push_back('"');
  for (unsigned char c : v) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(out, json ? "\\u%04x" : "\\x%02x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

// A key is written as given when it is a plain name, else sanitized.
std::string Key(absl::string_view k) {
  std::string out;
  for (char c : k) {
    out.push_back(absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                          c == '_' || c == '.'
                      ? c
                      : '_');
  }
  return out.empty() ? "_" : out;
}

}  // namespace

bool LogEnabled(LogLevel level) {
  static const LogLevel configured = ConfiguredLevel();
  return level >= configured;
}

absl::Status SetLogFormat(absl::string_view format) {
  if (format == "text") {
    Format().store(static_cast<int>(LogFormat::kText));
  } else if (format == "json") {
    Format().store(static_cast<int>(LogFormat::kJson));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--log-format: '", format, "' is not text or json"));
  }
  return absl::OkStatus();
}

LogFormat CurrentLogFormat() { return static_cast<LogFormat>(Format().load()); }

std::string FormatLogLine(LogFormat format, LogLevel level,
                          absl::string_view message,
                          absl::Span<const LogField> fields, bool with_time) {
  std::string line;
  const std::string ts =
      with_time ? absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                   absl::UTCTimeZone())
                : "";
  if (format == LogFormat::kJson) {
    line.push_back('{');
    if (with_time) absl::StrAppend(&line, "\"ts\":\"", ts, "\",");
    absl::StrAppend(&line, "\"level\":\"", Name(level), "\",\"msg\":");
    AppendQuoted(&line, message, true);
    for (const auto& [key, value] : fields) {
      line.push_back(',');
      AppendQuoted(&line, Key(key), true);
      line.push_back(':');
      AppendQuoted(&line, value, true);
    }
    line.push_back('}');
  } else {
    if (with_time) absl::StrAppend(&line, ts, " ");
    absl::StrAppend(&line, "level=", Name(level), " msg=");
    AppendQuoted(&line, message, false);
    for (const auto& [key, value] : fields) {
      absl::StrAppend(&line, " ", Key(key), "=");
      if (Bare(value)) {
        line.append(value);
      } else {
        AppendQuoted(&line, value, false);
      }
    }
  }
  line.push_back('\n');
  return line;
}

void Log(LogLevel level, absl::string_view message,
         absl::Span<const LogField> fields) {
  if (!LogEnabled(level)) return;
  const std::string line =
      FormatLogLine(CurrentLogFormat(), level, message, fields);
  // One write per line: lines from threads do not interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string JsonQuote(absl::string_view v) {
  std::string out;
  AppendQuoted(&out, v, /*json=*/true);
  return out;
}

}  // namespace casework
