/**
 * Writes `accounts.schema.json`, the JSON Schema editors use to complete and check
 * `accounts.yaml`, and `docs/config-reference.md`, the reference people read, both from the same
 * zod schema the program validates with. A test fails when either committed file is out of date:
 * run `npm run schema`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { accountsJsonSchema } from "../lib/config/json-schema";
import { configReferenceMarkdown } from "../lib/config/reference";
import { repoRoot } from "../run/repo-root";

writeFileSync(join(repoRoot(), "accounts.schema.json"), `${JSON.stringify(accountsJsonSchema(), null, 2)}\n`);
writeFileSync(join(repoRoot(), "docs", "config-reference.md"), configReferenceMarkdown());
