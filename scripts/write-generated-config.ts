/**
 * Writes a generated accounts file (see `generatedConfig`) for tools that read YAML, such as
 * `scripts/scan.sh`; with `--access-report`, `accessReportConfig`'s tagged accounts with every
 * privilege level instead. Usage:
 * node dist/scripts/write-generated-config.js [--access-report] FILE ACCOUNTS [ROLES_PER_ACCOUNT]
 */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { accessReportConfig, generatedConfig } from "../lib/config/generated";

const args = process.argv.slice(2);
const accessReport = args[0] === "--access-report";
const [file, accounts, rolesPerAccount = "2"] = accessReport ? args.slice(1) : args;
if (!file || !/^[1-9]\d*$/.test(accounts ?? "") || !/^[1-9]\d*$/.test(rolesPerAccount)) {
  console.error("usage: write-generated-config [--access-report] FILE ACCOUNTS [ROLES_PER_ACCOUNT] (positive whole numbers)");
  process.exit(2);
}
writeFileSync(
  file,
  stringify(accessReport ? accessReportConfig(Number(accounts)) : generatedConfig(Number(accounts), Number(rolesPerAccount))),
);
