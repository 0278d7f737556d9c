import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Model } from "../lib/model";
import { stsCommands } from "../lib/vault-commands";
import { requesterTokens } from "./vault-checks";
import type { VaultServer } from "./vault-server";

/** How long the tokens left for `--keep` last. */
const KEPT_TOKEN_TTL = "8h";

/**
 * What `--keep` leaves behind for exploring Vault: one token per requester group, holding only that
 * group's policy, in `<workDir>/vault/tokens/<requester>` (mode 0600; never the root token), and the
 * commands that use them, as printed lines that work when pasted.
 */
export async function keepVaultHints(model: Model, vault: VaultServer, binary: string, workDir: string): Promise<string[]> {
  const dir = join(workDir, "vault", "tokens");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tokens = await requesterTokens(vault.root, model, KEPT_TOKEN_TTL);
  const shown = relative(process.cwd(), dir) || ".";
  const lines = [
    `Vault keeps running at ${vault.address} (pid ${vault.process.pid}); the root token is not kept anywhere.`,
    `Each requester group has a token holding only its own policy, valid ${KEPT_TOKEN_TTL}, in ${shown}/. For example:`,
    `  export VAULT_ADDR=${vault.address}`,
  ];
  for (const [requester, client] of tokens) {
    const file = join(dir, requester);
    writeFileSync(file, `${client.token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    const policy = model.requesterPolicies.find((p) => p.requester === requester)!;
    const role = model.vaultRoles.find((r) => r.stsPath === policy.grants[0].path)!;
    const [command] = stsCommands(role.stsPath, role.roleArns, role.defaultTtlSeconds);
    lines.push(`  VAULT_TOKEN=$(cat ${join(shown, requester)}) ${command.replace(/^vault /, `${binary} `)}`);
  }
  lines.push(`Stop it with: kill -- -${vault.process.pid}`);
  return lines;
}
