// The typed clients of casework's services, over the Connect protocol to the
// gateway (services/web) on the page's own origin. Every call carries the
// signed-in user's access token; the services decide what it may see.
import { Code, ConnectError, createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { DescService } from "@bufbuild/protobuf";
import { AnnualReviewService } from "./gen/casework/v1/annual_review_pb";
import { ComplaintsService } from "./gen/casework/v1/complaints_pb";
import { EhcAssessmentService } from "./gen/casework/v1/ehc_assessment_pb";
import { ProjectionService } from "./gen/casework/v1/projection_pb";
import { TransportService } from "./gen/casework/v1/transport_pb";

export interface Api {
  connect: Transport;  // the Connect transport (for calls by descriptor)
  projection: Client<typeof ProjectionService>;
  ehc: Client<typeof EhcAssessmentService>;
  reviews: Client<typeof AnnualReviewService>;
  transport: Client<typeof TransportService>;
  complaints: Client<typeof ComplaintsService>;
}

// The services that answered this page while not serving (the gateway's
// Casework-Service-Status): their figures may be behind.
const behind = new Set<string>();

// The services noted behind since the last call, and forgets them.
export function takeBehind(): string[] {
  const out = [...behind];
  behind.clear();
  return out;
}

export function makeApi(token: () => string): Api {
  const auth: Interceptor = (next) => async (req) => {
    req.header.set("Authorization", `Bearer ${token()}`);
    const res = await next(req);
    if (res.header.get("Casework-Service-Status") === "not-serving") behind.add(req.service.typeName);
    return res;
  };
  const transport = createConnectTransport({
    baseUrl: window.location.origin,
    interceptors: [auth],
    defaultTimeoutMs: 30000,
    // Binary protobuf: a third smaller than JSON and no JSON work in the gateway.
    useBinaryFormat: true,
  });
  const client = <T extends DescService>(service: T) => createClient(service, transport);
  return {
    connect: transport,
    projection: client(ProjectionService),
    ehc: client(EhcAssessmentService),
    reviews: client(AnnualReviewService),
    transport: client(TransportService),
    complaints: client(ComplaintsService),
  };
}

// A refusal as the page shows it: the service's own words, the field it
// named (for the error summary's link) and a heading.
export interface Problem {
  code: Code;
  heading: string;
  message: string;
  field?: string;
}

export function problemOf(e: unknown): Problem {
  if (e instanceof ConnectError) {
    // The services name the field first: "officer_id: ..."
    // (a list's entry as "findings[2].result": the form's "findings.2.result")
    const m = /^([a-z_][a-z0-9_.[\]]*): /.exec(e.rawMessage);
    const heading =
      e.code === Code.PermissionDenied ? "You do not have access to this" :
      e.code === Code.Unauthenticated ? "You need to sign in again" :
      e.code === Code.NotFound ? "Not found" :
      e.code === Code.Unavailable ? "Sorry, the service is unavailable" :
      e.code === Code.InvalidArgument ? "There is a problem" :
      "There is a problem";
    return { code: e.code, heading, message: e.rawMessage, field: m ? m[1].replace(/\[(\d+)\]/g, ".$1") : undefined };
  }
  return { code: Code.Unknown, heading: "There is a problem", message: String(e) };
}
