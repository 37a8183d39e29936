// Sign-in by OpenID Connect: authorization code with PKCE (oidc-client-ts)
// against the provider /config.json names - the LA's (Entra ID and the like)
// or, on the dev stack, casework-dev's own. The tokens live in this tab's
// session storage only.
import { User, UserManager, WebStorageStateStore } from "oidc-client-ts";

export interface AppConfig {
  issuer: string;
  clientId: string;
  scope: string;
  audience: string;
  caseSystemUrl: string;
}

export interface Who {
  subject: string;
  name: string;
  officerId: string;
  roles: string[];
  teams: string[];
  accessToken: string;
}

export function makeUserManager(config: AppConfig): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: `${origin}/signin-callback`,
    post_logout_redirect_uri: `${origin}/signed-out`,
    response_type: "code",
    scope: config.scope,
    loadUserInfo: false,
    automaticSilentRenew: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string" && value) return value.split(/[ ,]/).filter(Boolean);
  return [];
}

export function whoFrom(user: User): Who {
  const p = user.profile as Record<string, unknown>;
  return {
    subject: String(p.sub ?? ""),
    name: String(p.name ?? p.sub ?? ""),
    officerId: String(p.officer_id ?? p.sub ?? ""),
    roles: list(p.roles),
    teams: list(p.teams),
    accessToken: user.access_token,
  };
}
