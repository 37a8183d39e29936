// casectl's JSON output: the proto3 JSON mapping but with 64-bit integers as
// numbers (counts, versions and positions read as numbers by scripts).
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/casectl/cli.h"

namespace casework::cli {
namespace {

using google::protobuf::FieldDescriptor;

void Indent(int depth, std::string* out) { out->append(2 * depth, ' '); }

void AppendValue(const google::protobuf::Message& m, const FieldDescriptor* f,
                 int index, int depth, std::string* out) {
  const google::protobuf::Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(
          out, rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(
          out, rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(
          out, rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(
          out, rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      absl::StrAppend(
          out, rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      absl::StrAppend(
          out, rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f))
                      ? "true"
                      : "false");
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int v =
          rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      const auto* e = f->enum_type()->FindValueByNumber(v);
      if (e != nullptr) {
        out->append(JsonQuote(e->name()));
      } else {
        absl::StrAppend(out, v);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      out->append(JsonQuote(rep ? r->GetRepeatedString(m, f, index)
                                : r->GetString(m, f)));
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const google::protobuf::Message& sub =
          rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f);
      if (sub.GetDescriptor()->full_name() == "google.protobuf.Timestamp") {
        const auto* d = sub.GetDescriptor();
        const int64_t seconds =
            sub.GetReflection()->GetInt64(sub, d->FindFieldByName("seconds"));
        out->append(JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                                               absl::FromUnixSeconds(seconds),
                                               absl::UTCTimeZone())));
      } else {
        AppendJson(sub, depth, out);
      }
      break;
    }
  }
}

}  // namespace

void AppendJson(const google::protobuf::Message& m, int depth,
                std::string* out) {
  std::vector<const FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);
  if (fields.empty()) {
    out->append("{}");
    return;
  }
  out->append("{\n");
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldDescriptor* f = fields[i];
    Indent(depth + 1, out);
    absl::StrAppend(out, JsonQuote(f->name()), ": ");
    if (f->is_repeated()) {
      const int n = m.GetReflection()->FieldSize(m, f);
      out->append("[");
      for (int k = 0; k < n; ++k) {
        if (k > 0) out->append(", ");
        AppendValue(m, f, k, depth + 1, out);
      }
      out->append("]");
    } else {
      AppendValue(m, f, -1, depth + 1, out);
    }
    out->append(i + 1 < fields.size() ? ",\n" : "\n");
  }
  Indent(depth, out);
  out->append("}");
}

}  // namespace casework::cli
