import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isVaultStack } from "../lib/names";
import { applyStack, destroyStack, planExitCode } from "../sandbox/deploy";
import { synthForSandbox } from "../sandbox/run-sandbox";
import type { SynthesizedStack } from "../run/stacks";
import type { VaultServer } from "../sandbox/vault-server";
import { collector, startTestVault, workDir, writeConfig } from "./fixtures";

/**
 * The Vault policy docs/deploying.md gives the deploying token (docs/vault-deployer-policy.hcl),
 * against a real Vault and the real Terraform: a token holding only it applies the vault and
 * vault-roles-NN stacks of an estate with a requester bound to an auth mount, plans them again
 * with no changes, and destroys them; and it is refused what it does not need. The broker is keyless,
 * so the Vault stacks read nothing from the AWS stacks, and no emulator is started.
 */
const POLICY = readFileSync(join(__dirname, "..", "docs", "vault-deployer-policy.hcl"), "utf8");

describe("the deploying token's Vault policy", () => {
  const dir = workDir("deployer");
  const progress = collector();
  let vault: VaultServer;
  let token: string;
  let stacks: SynthesizedStack[];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    vault = await startTestVault(dir);
    await vault.root.write("sys/auth/jwt", { type: "jwt" });
    await vault.root.write("sys/policies/acl/vault-aws-deployer", { policy: POLICY });
    token = await vault.root.createToken(["vault-aws-deployer"]);
    const file = writeConfig(dir, "accounts.yaml", {
      broker: { account: "primary", identity: "role", roleName: "vault-server" },
      vault: { capMountLeaseTtl: true },
      requesters: { developers: { description: "Application developers", groups: [{ authMount: "jwt", name: "eng-developers" }] } },
      accounts: [
        { name: "primary", id: "111111111111" },
        {
          name: "dev",
          id: "222222222222",
          roles: [{ name: "ec2-admin", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"], requesters: ["developers"] }],
        },
      ],
      vaultRoles: [{ name: "dev-any", targets: ["dev/ec2-admin"], requesters: ["developers"] }],
    });
    // No emulator: nothing here calls AWS. The engine is only told where STS would be.
    const synth = await synthForSandbox(file, dir, "http://127.0.0.1:9", progress.log);
    stacks = synth.stacks.filter((s) => isVaultStack(s.name));
    env = { ...synth.env, VAULT_ADDR: vault.address, VAULT_TOKEN: token };
  });
  afterAll(async () => {
    await vault?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a token holding only it applies every Vault stack, then plans them with no changes", async () => {
    try {
      for (const stack of stacks) progress.log(JSON.stringify(await applyStack(stack, env)));
    } catch (error) {
      console.log(progress.lines.join("\n"));
      throw error;
    }
    for (const stack of stacks)
      expect({ stack: stack.name, ...(await planExitCode(stack, env)) }).toMatchObject({ stack: stack.name, code: 0 });
    // What it wrote is there: the engine, a role, the requester's policy and its identity group.
    expect((await vault.root.read("aws/roles/dev-ec2-admin")).data!.role_arns).toEqual(["arn:aws:iam::222222222222:role/ec2-admin"]);
    // The group carries one shard policy per roles stack; the shards that exist grant its roles' paths.
    const carried = (await vault.root.read("identity/group/name/aws-developers--jwt--eng-developers")).data!.policies as string[];
    expect(carried.length).toBeGreaterThan(1);
    expect(carried.every((name) => /^aws-developers\.vault-roles-\d{2}$/.test(name))).toBe(true);
    const listed = (await vault.root.read("sys/policies/acl?list=true")).data!.keys as string[];
    const shards = listed.filter((name) => carried.includes(name));
    const granted = await Promise.all(
      shards.map(async (name) => (await vault.root.read(`sys/policies/acl/${name}`)).data!.policy as string),
    );
    expect(granted.join("\n")).toContain('path "aws/sts/dev-ec2-admin"');
    expect(granted.join("\n")).toContain('path "aws/sts/dev-any"');
    expect(listed).not.toContain("aws-developers"); // the whole policy of the layout before shards is gone
  });

  test("it is refused what deploying does not need", async () => {
    const deployer = vault.root.withToken(token);
    const refused = async (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) =>
      (await deployer.request(method, path, body)).status;
    expect(await refused("POST", "sys/auth/other", { type: "userpass" })).toBe(403); // enable an auth method
    expect(await refused("DELETE", "sys/auth/jwt")).toBe(403); // disable the one requesters log in through
    expect(await refused("POST", "sys/policies/acl/admin", { policy: 'path "*" { capabilities = ["sudo"] }' })).toBe(403); // a policy outside aws-*
    expect(await refused("POST", "sys/mounts/secret", { type: "kv" })).toBe(403); // another mount
    expect(await refused("POST", "aws/sts/dev-ec2-admin", {})).toBe(403); // credentials themselves
    expect(await refused("GET", "sys/policies/acl/vault-aws-deployer")).toBe(403); // its own policy
  });

  test("it destroys what it applied", async () => {
    expect(Object.keys((await vault.root.read("sys/mounts")).data!)).toContain("aws/");
    for (const stack of [...stacks].reverse()) progress.log(JSON.stringify(await destroyStack(stack, env)));
    expect(Object.keys((await vault.root.read("sys/mounts")).data!)).not.toContain("aws/");
    expect((await vault.root.request("GET", "sys/policies/acl/aws-developers")).status).toBe(404);
  });
});
