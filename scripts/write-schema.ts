/**
 * Writes `accounts.schema.json`, the JSON Schema editors use to complete and check
 * `accounts.yaml`, from the same zod schema the program validates with. A test fails when the
 * committed file is out of date: run `npm run schema`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { accountsJsonSchema } from "../lib/config/json-schema";
import { repoRoot } from "../run/repo-root";

writeFileSync(join(repoRoot(), "accounts.schema.json"), `${JSON.stringify(accountsJsonSchema(), null, 2)}\n`);
