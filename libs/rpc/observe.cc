#include "libs/rpc/observe.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/auth/call_notes.h"
#include "libs/core/log.h"
#include "libs/metrics/metrics.h"

namespace casework {
namespace {

using grpc::experimental::InterceptionHookPoints;

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK:
      return "OK";
    case grpc::CANCELLED:
      return "CANCELLED";
    case grpc::UNKNOWN:
      return "UNKNOWN";
    case grpc::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::ABORTED:
      return "ABORTED";
    case grpc::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::INTERNAL:
      return "INTERNAL";
    case grpc::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

void DescribeOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    metrics::Registry& m = metrics::Global();
    m.Describe("casework_rpc_requests_total", metrics::Type::kCounter,
               "RPCs served, by method and status code");
    m.Describe("casework_rpc_duration_seconds", metrics::Type::kHistogram,
               "Time from a call's arrival to its status, by method");
    m.Describe("casework_rpc_refusals_total", metrics::Type::kCounter,
               "Calls refused (UNAUTHENTICATED, PERMISSION_DENIED), by method");
  });
}

class CallObserver final : public grpc::experimental::Interceptor {
 public:
  CallObserver(grpc::experimental::ServerRpcInfo* info,
               const std::string* service, const RefusalSink* sink)
      : info_(info),
        service_(service),
        sink_(sink),
        method_(info->method() == nullptr ? "" : info->method()),
        ours_(absl::StartsWith(method_, "/casework.")),
        start_(absl::Now()) {
    auth::BeginCallNote(info_->server_context());
  }
  ~CallObserver() override {
    // A call that ended without a status (cancelled) leaves no note behind.
    if (!finished_) auth::EndCallNote(info_->server_context());
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    if (ours_ &&
        m->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        m->GetRecvMessage() != nullptr && request_id_.empty()) {
      // casework services are protobuf services: the message is one.
      const auto* request =
          static_cast<const google::protobuf::Message*>(m->GetRecvMessage());
      request_id_ = RequestIdOf(*request);
      target_ = TargetOf(*request);
    }
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finish(m->GetSendStatus());
    }
    m->Proceed();
  }

 private:
  void Finish(const grpc::Status& status) {
    finished_ = true;
    const auth::CallNote note = auth::EndCallNote(info_->server_context());
    const absl::Duration took = absl::Now() - start_;
    const std::string code = CodeName(status.error_code());
    metrics::Registry& m = metrics::Global();
    m.Add("casework_rpc_requests_total", {{"method", method_}, {"code", code}});
    m.Observe("casework_rpc_duration_seconds", {{"method", method_}},
              absl::ToDoubleSeconds(took));
    const bool refused = status.error_code() == grpc::PERMISSION_DENIED ||
                         status.error_code() == grpc::UNAUTHENTICATED;
    const std::string micros = std::to_string(absl::ToInt64Microseconds(took));
    if (!ours_) {
      LogDebug("rpc", {{"service", *service_},
                       {"method", method_},
                       {"code", code},
                       {"micros", micros}});
      return;
    }
    std::vector<LogField> fields = {{"service", *service_},
                                    {"method", method_},
                                    {"code", code},
                                    {"micros", micros},
                                    {"actor", note.actor}};
    if (!request_id_.empty()) fields.push_back({"request_id", request_id_});
    if (!refused) {
      Log(LogLevel::kInfo, "rpc", fields);
      return;
    }
    m.Add("casework_rpc_refusals_total", {{"method", method_}});
    fields.push_back({"reason", status.error_message()});
    Log(LogLevel::kWarn, "rpc refused", fields);
    if (*sink_) {
      (*sink_)(Refusal{method_, note.actor, note.roles, request_id_, target_,
                       code, status.error_message()});
    }
  }

  grpc::experimental::ServerRpcInfo* const info_;
  const std::string* const service_;
  const RefusalSink* const sink_;
  const std::string method_;
  const bool ours_;
  const absl::Time start_;
  std::string request_id_;
  std::string target_;
  bool finished_ = false;
};

class CallObserverFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallObserverFactory(std::string service, RefusalSink sink)
      : service_(std::move(service)), sink_(std::move(sink)) {
    DescribeOnce();
  }
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallObserver(info, &service_, &sink_);
  }

 private:
  const std::string service_;
  const RefusalSink sink_;
};

}  // namespace

std::string RequestIdOf(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* f =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (f == nullptr ||
      f->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      f->is_repeated()) {
    return "";
  }
  return request.GetReflection()->GetString(request, f).substr(0, 128);
}

std::string TargetOf(const google::protobuf::Message& request) {
  const google::protobuf::Descriptor* d = request.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
        f->is_repeated() || f->name() == "request_id" ||
        !absl::EndsWith(f->name(), "_id")) {
      continue;
    }
    const std::string v = request.GetReflection()->GetString(request, f);
    if (!v.empty()) return absl::StrCat(f->name(), "=", v.substr(0, 128));
  }
  return "";
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallObserverFactory(std::string service_name, RefusalSink sink) {
  return std::make_unique<CallObserverFactory>(std::move(service_name),
                                               std::move(sink));
}

}  // namespace casework
