import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { runSandbox } from "../sandbox/run-sandbox";
import { requesterTokens } from "../sandbox/vault-checks";
import { collector, sandboxServers, smallConfig, workDir, writeConfig } from "./fixtures";

/**
 * The hardening switches against a real Vault: the pinned username_template is one Vault accepts
 * and renders into every session name (so CloudTrail names the token behind each session), and
 * the mount's max lease TTL is capped at the longest role max TTL.
 */
const servers = sandboxServers("hardening");

describe("vault.pinSessionNames and vault.capMountLeaseTtl in real Vault", () => {
  const dir = workDir("hardening");
  const config = smallConfig();
  config.vault = { pinSessionNames: true, capMountLeaseTtl: true, maxTtl: "2h" };
  config.accounts[1].roles[0].maxSessionDuration = "2h";
  const file = writeConfig(dir, "accounts.yaml", config);
  const progress = collector();

  test("the sandbox applies and proves every role with the pinned names", async () => {
    const result = await runSandbox({ configFile: file, workDir: dir, vault: servers.vault, log: progress.log }, servers.emulator);
    if (!result.ok) console.log(progress.lines.join("\n"));
    expect(result.ok).toBe(true);
  });

  test("a requester's session is named vault-<token display name>-<vault role>-…", async () => {
    const model = buildModel(loadConfig(file));
    const developers = (await requesterTokens(servers.vault.root, model)).get("developers")!;
    const issued = await developers.write("aws/sts/dev-ec2-admin", { ttl: "15m" });
    const sts = new STSClient({
      endpoint: servers.emulator.endpoint,
      region: "us-east-1",
      credentials: {
        accessKeyId: issued.data!.access_key as string,
        secretAccessKey: issued.data!.secret_key as string,
        sessionToken: issued.data!.session_token as string,
      },
    });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    // A token made by the root token has the display name "token".
    expect(me.Arn).toMatch(/^arn:aws:sts::222222222222:assumed-role\/ec2-admin\/vault-token-dev-ec2-admin-\d{10}-[A-Za-z0-9]{10}$/);
  });

  test("the mount's max lease TTL is the longest role max TTL", async () => {
    const tune = await servers.vault.root.read("sys/mounts/aws/tune");
    expect(tune.data!.max_lease_ttl).toBe(7200);
  });
});
