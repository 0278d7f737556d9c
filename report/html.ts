import type { AccessReport } from "./access-report";
import type { AccessFilter } from "./filter";

export function accessHtml(_report: AccessReport, _options: { title: string; filter: AccessFilter }): string {
  return "";
}
