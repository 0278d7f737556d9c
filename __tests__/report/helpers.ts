import { loadConfig } from "../../lib/config/load";
import { buildModel } from "../../lib/model";
import { accessReportConfig } from "../../lib/config/generated";
import { type AccessReport, accessReport } from "../../report/access-report";
import { modelOf } from "../helpers";

/** The report of the example `accounts.yaml`. */
export function exampleReport(): AccessReport {
  return accessReport(buildModel(loadConfig("accounts.yaml")));
}

/** The report of `accessReportConfig(count)`. */
export function generatedReport(count: number): AccessReport {
  return accessReport(modelOf(accessReportConfig(count)));
}
