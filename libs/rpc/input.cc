#include "libs/rpc/input.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/common.pb.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"

namespace casework {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Decodes one UTF-8 code point at `i`; false on an invalid sequence.
bool NextCodePoint(absl::string_view s, size_t& i, char32_t& cp) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  int extra = 0;
  if (c < 0x80) {
    cp = c;
  } else if ((c & 0xe0) == 0xc0) {
    cp = c & 0x1f;
    extra = 1;
  } else if ((c & 0xf0) == 0xe0) {
    cp = c & 0x0f;
    extra = 2;
  } else if ((c & 0xf8) == 0xf0) {
    cp = c & 0x07;
    extra = 3;
  } else {
    return false;
  }
  if (extra > 0 && i + extra >= s.size()) return false;
  for (int k = 1; k <= extra; ++k) {
    const unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xc0) != 0x80) return false;
    cp = (cp << 6) | (d & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF.
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
    return false;
  }
  i += extra + 1;
  return true;
}

// Characters that change how surrounding text is displayed without being
// seen: bidirectional embeddings, overrides and isolates, directional marks,
// zero-width characters and the byte-order mark.
bool IsInvisibleFormatting(char32_t cp) {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
         (cp >= 0x200b && cp <= 0x200f) || cp == 0x061c || cp == 0xfeff ||
         cp == 0x2060;
}

absl::Status CheckDate(const std::string& path, const v1::Date& d,
                       const InputRules& rules, bool date_of_birth) {
  if (!IsSet(d)) return absl::OkStatus();  // required-ness is the domain's
  ASSIGN_OR_RETURN(Date date, FromProto(path, d));
  if (date_of_birth) {
    if (date > rules.today) {
      return FieldError(
          path, absl::StrCat(date.ToString(), " is in the future (today is ",
                             rules.today.ToString(), ")"));
    }
    if (date < rules.today.AddMonths(-26 * 12)) {
      return FieldError(
          path, absl::StrCat(date.ToString(),
                             " is more than 26 years ago: casework records "
                             "children and young people aged 0-25"));
    }
    return absl::OkStatus();
  }
  if (date < rules.earliest) {
    return FieldError(path,
                      absl::StrCat(date.ToString(), " is before ", rules.regime,
                                   ", which this service records"));
  }
  if (date > rules.today.AddMonths(kMaxYearsAhead * 12)) {
    return FieldError(
        path,
        absl::StrCat(date.ToString(), " is more than ", kMaxYearsAhead,
                     " years ahead (today is ", rules.today.ToString(), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckMessage(const Message& m, const std::string& prefix,
                          const InputRules& rules);

absl::Status CheckField(const Message& m, const FieldDescriptor* f,
                        const std::string& path, int index,
                        const InputRules& rules) {
  const Reflection* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      if (f->type() == FieldDescriptor::TYPE_BYTES) return absl::OkStatus();
      const std::string value =
          index < 0 ? r->GetString(m, f) : r->GetRepeatedString(m, f, index);
      if (absl::EndsWith(f->name(), "_id") ||
          absl::EndsWith(f->name(), "_ids")) {
        return value.empty() ? absl::OkStatus() : ValidateId(path, value);
      }
      return ValidateText(path, value);
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int value = index < 0 ? r->GetEnumValue(m, f)
                                  : r->GetRepeatedEnumValue(m, f, index);
      if (f->enum_type()->FindValueByNumber(value) == nullptr) {
        return FieldError(path, absl::StrCat(value, " is not a value of ",
                                             f->enum_type()->name()));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub =
          index < 0 ? r->GetMessage(m, f) : r->GetRepeatedMessage(m, f, index);
      if (sub.GetDescriptor() == v1::Date::descriptor()) {
        return CheckDate(path, static_cast<const v1::Date&>(sub), rules,
                         absl::StrContains(f->name(), "birth"));
      }
      return CheckMessage(sub, path + ".", rules);
    }
    default:
      return absl::OkStatus();
  }
}

absl::Status CheckMessage(const Message& m, const std::string& prefix,
                          const InputRules& rules) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (prefix.empty() && f->name() == "request_id") continue;
    const std::string path = prefix + f->name();
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        RETURN_IF_ERROR(CheckField(m, f, path, i, rules));
      }
    } else {
      RETURN_IF_ERROR(CheckField(m, f, path, -1, rules));
    }
  }
  return absl::OkStatus();
}

}  // namespace

InputRules SendRegimeRules(Date today) {
  return InputRules{
      .today = today,
      .earliest = Date::Ymd(2014, 9, 1),
      .regime =
          "the SEND regime of the Children and Families Act 2014 Part 3 "
          "(in force 1 September 2014)"};
}

absl::Status ValidateCommandInput(const google::protobuf::Message& request,
                                  const InputRules& rules) {
  return CheckMessage(request, "", rules);
}

absl::Status ValidateText(absl::string_view field, absl::string_view value,
                          size_t max_length) {
  size_t characters = 0;
  for (size_t i = 0; i < value.size();) {
    char32_t cp = 0;
    const size_t at = i;
    if (!NextCodePoint(value, i, cp)) {
      return FieldError(field, "is not valid UTF-8 text");
    }
    ++characters;
    if (cp == '\n' || cp == '\t') continue;
    if (cp == '\r' && at + 1 < value.size() && value[at + 1] == '\n') continue;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return FieldError(
          field,
          absl::StrCat("contains a control character (U+",
                       absl::Hex(static_cast<uint32_t>(cp), absl::kZeroPad4),
                       "); text may hold printable characters, "
                       "newlines and tabs"));
    }
    if (IsInvisibleFormatting(cp)) {
      return FieldError(
          field,
          absl::StrCat("contains an invisible formatting character (U+",
                       absl::Hex(static_cast<uint32_t>(cp), absl::kZeroPad4),
                       ") that could disguise the text"));
    }
  }
  if (characters > max_length) {
    return FieldError(field,
                      absl::StrCat("must be at most ", max_length,
                                   " characters (it has ", characters, ")"));
  }
  return absl::OkStatus();
}

}  // namespace casework
