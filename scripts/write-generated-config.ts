/**
 * Writes a generated accounts file (see `generatedConfig`) for tools that read YAML, such as
 * `scripts/scan.sh`. Usage: node dist/scripts/write-generated-config.js FILE ACCOUNTS [ROLES_PER_ACCOUNT]
 */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { generatedConfig } from "./fixtures";

const [file, accounts, rolesPerAccount = "2"] = process.argv.slice(2);
if (!file || !/^[1-9]\d*$/.test(accounts ?? "") || !/^[1-9]\d*$/.test(rolesPerAccount)) {
  console.error("usage: write-generated-config FILE ACCOUNTS [ROLES_PER_ACCOUNT] (positive whole numbers)");
  process.exit(2);
}
writeFileSync(file, stringify(generatedConfig(Number(accounts), Number(rolesPerAccount))));
