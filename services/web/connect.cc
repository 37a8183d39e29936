#include "services/web/connect.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/rpc/raw_call.h"

namespace casework::web {
namespace {

namespace pb = google::protobuf;

constexpr absl::string_view kJson = "application/json";
constexpr absl::string_view kProto = "application/proto";

// The media type without parameters, lower case.
std::string MediaType(absl::string_view content_type) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(content_type, absl::MaxSplits(';', 1));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts.first));
}

// google.rpc.Status details (repeated google.protobuf.Any, field 3) as the
// Connect protocol's JSON: [{"type": "google.rpc.BadRequest", "value":
// base64 without padding}].
std::string DetailsJson(const std::string& status_bytes) {
  pb::ListValue list;
  pb::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(status_bytes.data()),
      static_cast<int>(status_bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    if (tag != ((3 << 3) | 2)) {
      if (!pb::internal::WireFormatLite::SkipField(&in, tag)) return "";
      continue;
    }
    std::string any;
    uint32_t length = 0;
    if (!in.ReadVarint32(&length) || !in.ReadString(&any, length)) return "";
    std::string type_url, value;
    pb::io::CodedInputStream any_in(
        reinterpret_cast<const uint8_t*>(any.data()),
        static_cast<int>(any.size()));
    while (uint32_t t = any_in.ReadTag()) {
      uint32_t n = 0;
      if (t == ((1 << 3) | 2)) {
        if (!any_in.ReadVarint32(&n) || !any_in.ReadString(&type_url, n)) {
          return "";
        }
      } else if (t == ((2 << 3) | 2)) {
        if (!any_in.ReadVarint32(&n) || !any_in.ReadString(&value, n)) {
          return "";
        }
      } else if (!pb::internal::WireFormatLite::SkipField(&any_in, t)) {
        return "";
      }
    }
    const size_t slash = type_url.rfind('/');
    pb::Struct& item = *list.add_values()->mutable_struct_value();
    (*item.mutable_fields())["type"].set_string_value(
        slash == std::string::npos ? type_url : type_url.substr(slash + 1));
    std::string encoded;
    absl::Base64Escape(value, &encoded);
    while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
    (*item.mutable_fields())["value"].set_string_value(encoded);
  }
  if (list.values_size() == 0) return "";
  std::string json;
  if (!pb::util::MessageToJsonString(list, &json).ok()) return "";
  return json;
}

// RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" /
// "~" / "+" / "/" ) *"="
bool IsB64Token(absl::string_view token) {
  size_t end = token.size();
  while (end > 0 && token[end - 1] == '=') --end;
  if (end == 0) return false;
  for (char c : token.substr(0, end)) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '.' && c != '_' && c != '~' && c != '+' && c != '/') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string Printable(absl::string_view text) {
  std::string out;
  for (char c : text.substr(0, 80)) {
    out.push_back(c >= 0x20 && c <= 0x7e ? c : '?');
  }
  if (text.size() > 80) out += "...";
  return out;
}

absl::Status CheckForwardedHeaders(absl::string_view authorization,
                                   absl::string_view expected_version) {
  if (!authorization.empty()) {
    absl::string_view token = authorization;
    if (authorization.size() > kMaxAuthorizationBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("Authorization: the header is ", authorization.size(),
                       " bytes; the limit is ", kMaxAuthorizationBytes));
    }
    if (!absl::StartsWithIgnoreCase(token, "Bearer ")) {
      return absl::InvalidArgumentError(
          "Authorization: only a bearer token is accepted ('Bearer ' and "
          "the token)");
    }
    token.remove_prefix(7);
    if (!IsB64Token(token)) {
      return absl::InvalidArgumentError(
          "Authorization: the bearer token has characters a token cannot "
          "have (letters, digits, '-', '.', '_', '~', '+', '/' and trailing "
          "'=' only)");
    }
  }
  if (!expected_version.empty()) {
    if (expected_version.size() > 18 ||
        !std::all_of(expected_version.begin(), expected_version.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Casework-Expected-Version: '", Printable(expected_version),
          "' is not a case version (digits only)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRoutable(const pb::ServiceDescriptor& service) {
  for (int i = 0; i < service.method_count(); ++i) {
    const pb::MethodDescriptor& m = *service.method(i);
    if (m.client_streaming() || m.server_streaming()) {
      return absl::InvalidArgumentError(
          absl::StrCat("route: ", service.full_name(), "/", m.name(),
                       " streams; the gateway serves unary methods only"));
    }
  }
  return absl::OkStatus();
}

absl::string_view ConnectCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "ok";
    case absl::StatusCode::kCancelled:
      return "canceled";
    case absl::StatusCode::kUnknown:
      return "unknown";
    case absl::StatusCode::kInvalidArgument:
      return "invalid_argument";
    case absl::StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case absl::StatusCode::kNotFound:
      return "not_found";
    case absl::StatusCode::kAlreadyExists:
      return "already_exists";
    case absl::StatusCode::kPermissionDenied:
      return "permission_denied";
    case absl::StatusCode::kResourceExhausted:
      return "resource_exhausted";
    case absl::StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case absl::StatusCode::kAborted:
      return "aborted";
    case absl::StatusCode::kOutOfRange:
      return "out_of_range";
    case absl::StatusCode::kUnimplemented:
      return "unimplemented";
    case absl::StatusCode::kInternal:
      return "internal";
    case absl::StatusCode::kUnavailable:
      return "unavailable";
    case absl::StatusCode::kDataLoss:
      return "data_loss";
    case absl::StatusCode::kUnauthenticated:
      return "unauthenticated";
    default:
      return "unknown";
  }
}

int ConnectHttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    default:
      return 500;
  }
}

HttpReply ConnectError(absl::StatusCode code, absl::string_view message,
                       absl::string_view details_json) {
  pb::Struct error;
  (*error.mutable_fields())["code"].set_string_value(
      std::string(ConnectCodeName(code)));
  if (!message.empty()) {
    (*error.mutable_fields())["message"].set_string_value(std::string(message));
  }
  if (!details_json.empty()) {
    pb::Value details;
    if (pb::util::JsonStringToMessage(std::string(details_json), &details)
            .ok()) {
      (*error.mutable_fields())["details"] = details;
    }
  }
  HttpReply reply;
  reply.status = ConnectHttpStatus(code);
  reply.content_type = std::string(kJson);
  reply.code = code;
  if (!pb::util::MessageToJsonString(error, &reply.body).ok()) {
    reply.body = R"({"code":"internal"})";
  }
  return reply;
}

absl::StatusOr<std::unique_ptr<ConnectGateway>> ConnectGateway::Create(
    std::vector<Route> routes, GatewayOptions options) {
  std::map<std::string, std::shared_ptr<grpc::Channel>> table;
  for (Route& r : routes) {
    const pb::ServiceDescriptor* service =
        pb::DescriptorPool::generated_pool()->FindServiceByName(r.service);
    if (service == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("route: the contract has no service ", r.service));
    }
    if (absl::Status routable = CheckRoutable(*service); !routable.ok()) {
      return routable;
    }
    table[r.service] = std::move(r.channel);
  }
  return std::unique_ptr<ConnectGateway>(
      new ConnectGateway(std::move(table), options));
}

std::vector<std::string> ConnectGateway::services() const {
  std::vector<std::string> out;
  for (const auto& [name, channel] : routes_) out.push_back(name);
  return out;
}

std::shared_ptr<grpc::Channel> ConnectGateway::channel(
    const std::string& service) const {
  auto it = routes_.find(service);
  return it == routes_.end() ? nullptr : it->second;
}

HttpReply ConnectGateway::Call(const HttpCall& call) const {
  // "/casework.v1.ProjectionService/GetWorklist"
  absl::string_view path = call.path;
  if (!absl::ConsumePrefix(&path, "/")) {
    return ConnectError(absl::StatusCode::kUnimplemented,
                        absl::StrCat("no method at ", Printable(call.path)));
  }
  std::pair<std::string, std::string> names =
      absl::StrSplit(path, absl::MaxSplits('/', 1));
  const pb::ServiceDescriptor* service =
      routes_.contains(names.first)
          ? pb::DescriptorPool::generated_pool()->FindServiceByName(names.first)
          : nullptr;
  const pb::MethodDescriptor* method =
      service == nullptr ? nullptr : service->FindMethodByName(names.second);
  if (method == nullptr || names.second.empty()) {
    HttpReply reply = ConnectError(
        absl::StatusCode::kUnimplemented,
        absl::StrCat("no method ", Printable(path), " (the gateway serves ",
                     absl::StrJoin(services(), ", "), ")"));
    reply.status = 404;
    return reply;
  }
  const std::string full_name =
      absl::StrCat(service->full_name(), "/", method->name());
  auto fail = [&full_name](absl::StatusCode code, absl::string_view message,
                           absl::string_view details = "") {
    HttpReply reply = ConnectError(code, message, details);
    reply.method = full_name;
    return reply;
  };
  const std::string media = MediaType(call.content_type);
  const bool json = media == kJson;
  if (!json && media != kProto) {
    HttpReply reply =
        fail(absl::StatusCode::kUnimplemented,
             absl::StrCat("Content-Type '", Printable(call.content_type),
                          "' is not application/json or application/proto"));
    reply.status = 415;
    return reply;
  }
  if (!call.content_encoding.empty() &&
      absl::AsciiStrToLower(call.content_encoding) != "identity") {
    return fail(
        absl::StatusCode::kUnimplemented,
        absl::StrCat("Content-Encoding '", Printable(call.content_encoding),
                     "' is not supported (send identity)"));
  }
  if (call.body.size() > options_.max_body_bytes) {
    return fail(absl::StatusCode::kResourceExhausted,
                absl::StrCat("the request body is ", call.body.size(),
                             " bytes; the limit is ", options_.max_body_bytes));
  }
  if (absl::Status headers =
          CheckForwardedHeaders(call.authorization, call.expected_version);
      !headers.ok()) {
    return fail(headers.code(), headers.message());
  }
  absl::Duration deadline = options_.default_deadline;
  if (!call.timeout_ms.empty()) {
    int64_t ms = 0;
    if (call.timeout_ms.size() > 10 ||
        !absl::SimpleAtoi(call.timeout_ms, &ms) || ms < 0) {
      return fail(
          absl::StatusCode::kInvalidArgument,
          absl::StrCat("Connect-Timeout-Ms: '", Printable(call.timeout_ms),
                       "' is not a number of milliseconds"));
    }
    deadline = std::min(absl::Milliseconds(ms), options_.max_deadline);
  }

  const pb::Message* prototype =
      pb::MessageFactory::generated_factory()->GetPrototype(
          method->input_type());
  std::unique_ptr<pb::Message> request(prototype->New());
  std::string request_bytes;
  if (json) {
    pb::util::JsonParseOptions parse;
    parse.ignore_unknown_fields = false;
    const auto parsed = pb::util::JsonStringToMessage(
        call.body.empty() ? "{}" : call.body, request.get(), parse);
    if (!parsed.ok()) {
      return fail(absl::StatusCode::kInvalidArgument,
                  absl::StrCat("the request is not a valid ",
                               method->input_type()->full_name(), ": ",
                               std::string(parsed.message().data(),
                                           parsed.message().size())));
    }
    request->SerializeToString(&request_bytes);
  } else {
    if (!request->ParseFromString(call.body)) {
      return fail(absl::StatusCode::kInvalidArgument,
                  absl::StrCat("the request is not a valid ",
                               method->input_type()->full_name(),
                               " (binary protobuf)"));
    }
    request_bytes = call.body;
  }

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(deadline));
  if (!call.authorization.empty()) {
    context.AddMetadata("authorization", call.authorization);
  }
  if (!call.expected_version.empty()) {
    context.AddMetadata("casework-expected-version", call.expected_version);
  }
  std::string response_bytes;
  const grpc::Status status = CallUnaryBytes(
      routes_.at(service->full_name()), context, absl::StrCat("/", full_name),
      request_bytes, &response_bytes);
  if (!status.ok()) {
    const auto code = static_cast<absl::StatusCode>(status.error_code());
    return fail(code, status.error_message(),
                status.error_details().empty()
                    ? ""
                    : DetailsJson(status.error_details()));
  }
  HttpReply reply;
  reply.method = full_name;
  reply.content_type = json ? std::string(kJson) : std::string(kProto);
  if (!json) {
    reply.body = std::move(response_bytes);
    return reply;
  }
  std::unique_ptr<pb::Message> response(
      pb::MessageFactory::generated_factory()
          ->GetPrototype(method->output_type())
          ->New());
  if (!response->ParseFromString(response_bytes)) {
    return fail(absl::StatusCode::kInternal,
                absl::StrCat("the service's answer is not a valid ",
                             method->output_type()->full_name()));
  }
  const auto written = pb::util::MessageToJsonString(*response, &reply.body);
  if (!written.ok()) {
    return fail(absl::StatusCode::kInternal,
                absl::StrCat("cannot write the answer as JSON: ",
                             std::string(written.message().data(),
                                         written.message().size())));
  }
  return reply;
}

}  // namespace casework::web
