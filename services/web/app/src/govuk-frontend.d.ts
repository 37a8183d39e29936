// The parts of govuk-frontend (which ships no types) the app uses.
declare module "govuk-frontend" {
  export class ErrorSummary {}
  export class Checkboxes {}
  export class NotificationBanner {}
  export class Radios {}
  export class ServiceNavigation {}
  export class SkipLink {}
  export function createAll(component: unknown, config?: unknown, scope?: Element): unknown[];
}
