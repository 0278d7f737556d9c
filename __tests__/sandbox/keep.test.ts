import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../lib/config/load";
import { buildModel } from "../../lib/model";
import { vaultUseHints } from "../../sandbox/keep";

/** The repository's own accounts.yaml: readonly-nonprod spans dev and primary. */
const model = buildModel(loadConfig(join(__dirname, "..", "..", "accounts.yaml")));
const options = {
  address: "http://127.0.0.1:8200",
  binary: "vault",
  tokenDir: "tokens",
  requesters: ["auditors", "developers", "sre"],
  awsEndpoint: "http://127.0.0.1:5000",
};
const lines = vaultUseHints(model, options);

describe("the --keep hints for Vault", () => {
  test("one command per requester group, with its own token", () => {
    expect(lines.filter((l) => l.startsWith("  VAULT_TOKEN=$(cat tokens/developers) vault write aws/sts/"))).not.toEqual([]);
    expect(lines.filter((l) => l.startsWith("  VAULT_TOKEN=$(cat tokens/sre) vault write aws/sts/"))).not.toEqual([]);
  });

  test("a Vault role spanning accounts is shown with role_arn=, one command per ARN, with a token that holds it", () => {
    expect(lines).toContain("A Vault role that spans accounts needs role_arn= to say which role to assume (one command per ARN):");
    expect(lines).toContain(
      "  VAULT_TOKEN=$(cat tokens/auditors) vault write aws/sts/readonly-nonprod role_arn=arn:aws:iam::222222222222:role/readonly ttl=1h",
    );
    expect(lines).toContain(
      "  VAULT_TOKEN=$(cat tokens/auditors) vault write aws/sts/readonly-nonprod role_arn=arn:aws:iam::111111111111:role/readonly ttl=1h",
    );
  });

  test("without a spanning role, no role_arn= section", () => {
    const single = buildModel(loadConfig(join(__dirname, "..", "..", "accounts.yaml")));
    const withoutSpanning = { ...single, vaultRoles: single.vaultRoles.filter((r) => r.roleArns.length === 1) };
    expect(vaultUseHints(withoutSpanning, { ...options, requesters: ["developers", "sre"] }).join("\n")).not.toContain("role_arn=");
  });

  test("the credentials go to the emulator's endpoint when there is one, and to AWS when not", () => {
    expect(lines).toContain("  aws sts get-caller-identity --region us-east-1 --endpoint-url http://127.0.0.1:5000");
    expect(vaultUseHints(model, { ...options, awsEndpoint: undefined })).toContain("  aws sts get-caller-identity --region us-east-1");
  });

  const hasJq = spawnSync("jq", ["--version"]).status === 0;
  (hasJq ? test : test.skip)("the eval line exports the key, secret and session token that Vault returns", () => {
    // A stand-in vault that answers an STS write as Vault 1.21 does, and checks it was asked for JSON.
    const dir = mkdtempSync(join(tmpdir(), "vama-keep-"));
    mkdirSync(join(dir, "tokens"));
    writeFileSync(join(dir, "tokens", "auditors"), "hvs.test\n");
    const vault = join(dir, "vault");
    writeFileSync(
      vault,
      `#!/bin/sh\n[ "$1 $2" = "write -format=json" ] && [ "$VAULT_TOKEN" = hvs.test ] || exit 9\n` +
        `echo '{"lease_id":"aws/sts/x/1","data":{"access_key":"ASIAEXAMPLE","secret_key":"s3cr3t","session_token":"tok","arn":"arn:aws:sts::1:assumed-role/r/v"}}'\n`,
    );
    chmodSync(vault, 0o755);
    const hints = vaultUseHints(model, { ...options, binary: vault });
    const evalLine = hints.find((l) => l.startsWith("  eval "))!;
    const run = spawnSync(
      "bash",
      ["-euo", "pipefail", "-c", `${evalLine.trim()}\necho "$AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY $AWS_SESSION_TOKEN"`],
      { cwd: dir, encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("ASIAEXAMPLE s3cr3t tok");
  });
});
