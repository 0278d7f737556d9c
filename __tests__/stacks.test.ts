import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { resources, resourceWhere, synth } from "./helpers";

/** The shipped example config, as data. */
const example = parse(readFileSync(`${__dirname}/../accounts.yaml`, "utf8"));
const { stacks, manifest } = synth(example);
/** The vault-roles-NN stacks of the example, by name. */
const rolesStacks = Object.entries(stacks).filter(([name]) => name.startsWith("vault-roles-"));
/** The names of a requester's shard policies, for the default 16 roles stacks. */
const shards = (requester: string) => Array.from({ length: 16 }, (_, i) => `aws-${requester}.vault-roles-${String(i).padStart(2, "0")}`);
/** The example config upgrading from the layout before the ACL shards. */
const legacy = synth({ ...example, vault: { ...example.vault, keepLegacyLayout: true } }).stacks;

describe("stacks", () => {
  test("one aws-<account> stack per account, plus vault and the vault-roles-NN stacks that hold roles", () => {
    expect(Object.keys(stacks).sort()).toEqual([
      "aws-dev",
      "aws-primary",
      "aws-prod",
      "aws-staging",
      "vault",
      "vault-roles-01",
      "vault-roles-03",
      "vault-roles-06",
      "vault-roles-10",
    ]);
  });
  test("vault depends on the broker's stack; each roles stack on vault and on its roles' account stacks; account stacks on nothing", () => {
    expect(manifest.stacks.vault.dependencies).toEqual(["aws-primary"]);
    expect(manifest.stacks["vault-roles-01"].dependencies.sort()).toEqual(["aws-primary", "vault"]);
    expect(manifest.stacks["vault-roles-03"].dependencies.sort()).toEqual(["aws-staging", "vault"]);
    // prod's two roles, and readonly-nonprod, which spans dev's and primary's readonly roles.
    expect(manifest.stacks["vault-roles-06"].dependencies.sort()).toEqual(["aws-dev", "aws-primary", "aws-prod", "vault"]);
    expect(manifest.stacks["vault-roles-10"].dependencies.sort()).toEqual(["aws-dev", "vault"]);
    for (const name of ["aws-dev", "aws-primary", "aws-prod", "aws-staging"]) {
      expect(manifest.stacks[name].dependencies).toEqual([]);
    }
  });
  test("only the broker's account stack holds IAM users", () => {
    const withUsers = Object.entries(stacks).filter(([, s]) => Object.keys(resources(s, "aws_iam_user")).length > 0);
    expect(withUsers.map(([name]) => name)).toEqual(["aws-primary"]);
  });
});

describe("account stack provider", () => {
  test("assumes the deployment role and is pinned to the account id", () => {
    expect(stacks["aws-dev"].provider.aws).toEqual([
      {
        allowed_account_ids: ["222222222222"],
        assume_role: [
          { role_arn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", session_name: "vault-aws-multi-account" },
        ],
        region: "us-east-1",
      },
    ]);
  });
  test("uses a named profile when the account says so", () => {
    const config = structuredClone(example);
    config.accounts[1].deployment = { profile: "dev-admin" };
    expect(synth(config).stacks["aws-dev"].provider.aws).toEqual([
      { allowed_account_ids: ["222222222222"], profile: "dev-admin", region: "us-east-1" },
    ]);
  });
  test("pins the provider version the machine carries offline", () => {
    expect(stacks["aws-dev"].terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
  });
  test("keeps state at a relative path, the same on every machine", () => {
    expect(stacks["aws-dev"].terraform.backend).toEqual({ local: { path: "../../../terraform.aws-dev.tfstate" } });
  });
});

describe("account stack roles", () => {
  test("each role trusts only the broker, by ARN, and requires the account's external id", () => {
    const role = resourceWhere(stacks["aws-prod"], "aws_iam_role", "name", "ec2-admin");
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Sid: "VaultBrokerAssumeRole",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:user/vault-account", "sts:ExternalId": "prod-vault-2f9c" },
        },
      },
    ]);
  });
  test("MaxSessionDuration covers the Vault role's max TTL", () => {
    expect(resourceWhere(stacks["aws-prod"], "aws_iam_role", "name", "ec2-admin").max_session_duration).toBe(7200);
    expect(resourceWhere(stacks["aws-dev"], "aws_iam_role", "name", "ec2-admin").max_session_duration).toBe(3600);
  });
  test("outputs each role's ARN by name", () => {
    expect(Object.keys(stacks["aws-dev"].output.role_arns.value)).toEqual(["ec2-admin", "readonly"]);
  });
});

describe("broker", () => {
  const primary = stacks["aws-primary"];
  test("its policy allows sts:AssumeRole on exactly the configured roles", () => {
    const [policy] = Object.values(resources(primary, "aws_iam_policy")) as any[];
    const resource = JSON.parse(policy.policy).Statement[0].Resource;
    const configured = example.accounts.flatMap((a: any) => (a.roles ?? []).map((r: any) => `arn:aws:iam::${a.id}:role/${r.name}`));
    expect(resource).toEqual(configured);
  });
  test("its policy reaches it through a group it joins, not attached to the user", () => {
    expect(resources(primary, "aws_iam_user_policy_attachment")).toEqual({});
    const [group] = Object.values(resources(primary, "aws_iam_group")) as any[];
    expect(group.name).toBe("vault-account-assume-roles-0");
    const [attachment] = Object.values(resources(primary, "aws_iam_group_policy_attachment")) as any[];
    expect(attachment.group).toMatch(/^\$\{aws_iam_group\.broker_assume-roles-group-0_[0-9A-F]+\.name\}$/);
    const [membership] = Object.values(resources(primary, "aws_iam_user_group_membership")) as any[];
    expect(membership.groups).toEqual([attachment.group]);
    expect(membership.user).toMatch(/^\$\{aws_iam_user\.broker_user_[0-9A-F]+\.name\}$/);
  });
  test("holds no key: no key resource, no key output, nothing crosses to another stack", () => {
    expect(resources(primary, "aws_iam_access_key")).toEqual({});
    expect(Object.keys(primary.output).sort()).toEqual(["broker_user_arn", "role_arns"]);
  });
});

describe("vault stack", () => {
  const vault = stacks.vault;
  test("takes address and token from the environment when the config names no address", () => {
    expect(vault.provider.vault).toEqual([{}]);
  });
  test("uses the configured address, and never a token", () => {
    const config = structuredClone(example);
    config.vault.address = "https://vault.example.com:8200";
    expect(synth(config).stacks.vault.provider.vault).toEqual([{ address: "https://vault.example.com:8200" }]);
  });
  test("configures the engine with no key and reads no other stack's state (Vault holds the key)", () => {
    const [engine] = Object.values(resources(vault, "vault_aws_secret_backend")) as any[];
    expect(engine.access_key).toBeUndefined();
    expect(engine.secret_key).toBeUndefined();
    expect(vault.data?.terraform_remote_state).toBeUndefined();
  });
  test("holds the engine only (its mount and config/root): no ACL policy, no Vault role, no removed block", () => {
    expect(Object.keys(vault.resource).sort()).toEqual(["vault_aws_secret_backend", "vault_generic_endpoint"]);
    expect(Object.values<any>(resources(vault, "vault_generic_endpoint")).map((e) => e.path.replace(/^\$\{[^}]+\}/, ""))).toEqual([
      "/config/root",
    ]);
    expect(vault.removed).toBeUndefined();
  });
  test("outputs each requester's description, the policies its groups carry and its bound groups", () => {
    expect(vault.output.requesters.value).toEqual({
      auditors: { description: "Security and compliance reviewers: read-only roles", policies: shards("auditors"), groups: [] },
      developers: { description: "Application developers: dev and staging only", policies: shards("developers"), groups: [] },
      sre: { description: "On-call SREs: every account, prod included", policies: shards("sre"), groups: [] },
    });
  });
});

describe("vault stack with vault.keepLegacyLayout", () => {
  test("keeps each requester's whole policy at the address it always had, listed first in the policies its groups carry", () => {
    expect(Object.keys(resources(legacy.vault, "vault_policy"))).toEqual([
      expect.stringMatching(/^policy-auditors_policy_\w{8}$/),
      expect.stringMatching(/^policy-developers_policy_\w{8}$/),
      expect.stringMatching(/^policy-sre_policy_\w{8}$/),
    ]);
    const paths = [
      ...(resourceWhere(legacy.vault, "vault_policy", "name", "aws-developers").policy as string).matchAll(/path "([^"]+)"/g),
    ].map((m) => m[1]);
    expect(paths).toEqual(["aws/sts/dev-ec2-admin", "aws/sts/dev-readonly", "aws/sts/staging-ec2-admin", "aws/sts/staging-deployer"]);
    expect(legacy.vault.output.requesters.value.developers.policies).toEqual(["aws-developers", ...shards("developers")]);
  });
  test("releases, without destroying, every role at the address it had when this stack held the roles", () => {
    const addresses = rolesStacks.flatMap(([, s]) =>
      Object.keys(resources(s, "vault_generic_endpoint")).map((id) => `vault_generic_endpoint.${id}`),
    );
    expect(legacy.vault.removed).toHaveLength(8);
    expect(legacy.vault.removed).toEqual(expect.arrayContaining(addresses.map((from) => ({ from, lifecycle: { destroy: false } }))));
    // The address dev-ec2-admin had in the single vault stack (the previous golden snapshot).
    expect(legacy.vault.removed.map((r: any) => r.from)).toContain("vault_generic_endpoint.role-dev-ec2-admin_role_71CE2595");
  });
  test("changes nothing in the roles stacks", () => {
    for (const [name, s] of rolesStacks) expect([name, legacy[name]]).toEqual([name, s]);
  });
});

describe("vault-roles-NN stacks", () => {
  test("one Vault role per account role and per vaultRoles entry, each in exactly one stack", () => {
    const paths = rolesStacks.flatMap(([, s]) =>
      Object.values(resources(s, "vault_generic_endpoint")).map((r: any) => r.path.replace(/^.*\/roles\//, "")),
    );
    expect(paths.sort()).toEqual([
      "dev-ec2-admin",
      "dev-readonly",
      "primary-readonly",
      "prod-ec2-admin",
      "prod-readonly",
      "readonly-nonprod",
      "staging-deployer",
      "staging-ec2-admin",
    ]);
  });
  test("an account's roles share one stack", () => {
    const stackOf = (role: string) =>
      rolesStacks.find(([, s]) =>
        Object.values(resources(s, "vault_generic_endpoint")).some((r: any) => r.path === `aws/roles/${role}`),
      )![0];
    expect(stackOf("dev-ec2-admin")).toBe(stackOf("dev-readonly"));
    expect(stackOf("prod-ec2-admin")).toBe(stackOf("prod-readonly"));
    expect(stackOf("staging-ec2-admin")).toBe(stackOf("staging-deployer"));
  });
  test("write under the configured mount, reach Vault like the vault stack, and keep state beside it", () => {
    const [, dev] = rolesStacks.find(([name]) => name === "vault-roles-10")!;
    expect(resourceWhere(dev, "vault_generic_endpoint", "path", "aws/roles/dev-ec2-admin")).toBeDefined();
    expect(dev.provider.vault).toEqual([{}]);
    expect(dev.terraform.backend).toEqual({ local: { path: "../../../terraform.vault-roles-10.tfstate" } });
  });
  test("each holds one ACL policy per requester granted one of its roles, over those roles' STS paths only", () => {
    const policies = rolesStacks.flatMap(([name, s]) =>
      Object.values<any>(resources(s, "vault_policy")).map((p) => [
        name,
        p.name,
        [...(p.policy as string).matchAll(/path "([^"]+)"/g)].map((m) => m[1]),
      ]),
    );
    expect(policies).toEqual([
      ["vault-roles-01", "aws-auditors.vault-roles-01", ["aws/sts/primary-readonly"]],
      ["vault-roles-01", "aws-sre.vault-roles-01", ["aws/sts/primary-readonly"]],
      ["vault-roles-03", "aws-developers.vault-roles-03", ["aws/sts/staging-ec2-admin", "aws/sts/staging-deployer"]],
      ["vault-roles-03", "aws-sre.vault-roles-03", ["aws/sts/staging-ec2-admin"]],
      ["vault-roles-06", "aws-auditors.vault-roles-06", ["aws/sts/readonly-nonprod"]],
      ["vault-roles-06", "aws-sre.vault-roles-06", ["aws/sts/prod-ec2-admin", "aws/sts/prod-readonly"]],
      ["vault-roles-10", "aws-developers.vault-roles-10", ["aws/sts/dev-ec2-admin", "aws/sts/dev-readonly"]],
      ["vault-roles-10", "aws-sre.vault-roles-10", ["aws/sts/dev-readonly"]],
    ]);
  });
  test("developers can request dev and staging roles, not prod's: the union of their shard policies", () => {
    const paths = rolesStacks.flatMap(([, s]) =>
      Object.values<any>(resources(s, "vault_policy"))
        .filter((p) => p.name.startsWith("aws-developers."))
        .flatMap((p) => [...(p.policy as string).matchAll(/path "([^"]+)"/g)].map((m) => m[1])),
    );
    expect(paths.sort()).toEqual([
      "aws/sts/dev-ec2-admin",
      "aws/sts/dev-readonly",
      "aws/sts/staging-deployer",
      "aws/sts/staging-ec2-admin",
    ]);
  });
  test("each outputs the command a requester runs for each of its roles, and only those", () => {
    const commands = stacks["vault-roles-06"].output.sts_commands.value;
    expect(Object.keys(commands).sort()).toEqual(["prod-ec2-admin", "prod-readonly", "readonly-nonprod"]);
    expect(commands["prod-ec2-admin"]).toEqual(["vault write aws/sts/prod-ec2-admin ttl=30m"]);
    expect(commands["readonly-nonprod"]).toEqual([
      "vault write aws/sts/readonly-nonprod role_arn=arn:aws:iam::222222222222:role/readonly ttl=1h",
      "vault write aws/sts/readonly-nonprod role_arn=arn:aws:iam::111111111111:role/readonly ttl=1h",
    ]);
  });
});

describe("requester bindings", () => {
  const config = structuredClone(example);
  config.requesters.developers.groups = [
    { authMount: "oidc", name: "eng-developers" },
    { authMount: "ldap/corp", name: "cn=devs,ou=groups,dc=example,dc=com" },
  ];
  config.requesters.sre.groups = [{ authMount: "oidc", name: "eng-sre" }];
  const bound = synth(config).stacks.vault;
  const groups = Object.values<any>(resources(bound, "vault_identity_group"));
  const aliases = Object.values<any>(resources(bound, "vault_identity_group_alias"));
  const mounts = Object.entries<any>(bound.data.vault_auth_backend);

  test("look up each auth mount's accessor from its path, once per mount", () => {
    expect(mounts.map(([, m]) => m.path).sort()).toEqual(["ldap/corp", "oidc"]);
  });
  test("give each binding an external group carrying the requester's shard policy names, one per roles stack", () => {
    expect(groups.map((g) => [g.name, g.type, g.policies]).sort()).toEqual([
      [
        expect.stringMatching(/^aws-developers--ldap_corp--cn=devs,ou=groups,dc=example,dc=com--[0-9a-f]{16}$/),
        "external",
        shards("developers"),
      ],
      ["aws-developers--oidc--eng-developers", "external", shards("developers")],
      ["aws-sre--oidc--eng-sre", "external", shards("sre")],
    ]);
    expect(groups.find((g) => g.name === "aws-sre--oidc--eng-sre").metadata).toEqual({
      managed_by: "vault-aws-multi-account",
      requester: "sre",
      auth_mount: "oidc",
      external_group: "eng-sre",
    });
  });
  test("and an alias naming the external group on its mount's accessor", () => {
    const [oidcId] = mounts.find(([, m]) => m.path === "oidc")!;
    const [ldapId] = mounts.find(([, m]) => m.path === "ldap/corp")!;
    expect(aliases.map((a) => [a.name, a.mount_accessor]).sort()).toEqual([
      ["cn=devs,ou=groups,dc=example,dc=com", `\${data.vault_auth_backend.${ldapId}.accessor}`],
      ["eng-developers", `\${data.vault_auth_backend.${oidcId}.accessor}`],
      ["eng-sre", `\${data.vault_auth_backend.${oidcId}.accessor}`],
    ]);
    for (const alias of aliases) expect(alias.canonical_id).toMatch(/^\$\{vault_identity_group\.binding-\S+\.id\}$/);
  });
  test("are listed in the requesters output", () => {
    expect(bound.output.requesters.value.developers.groups).toEqual([
      "oidc: eng-developers",
      "ldap/corp: cn=devs,ou=groups,dc=example,dc=com",
    ]);
  });
  test("with vault.keepLegacyLayout, a group carries the whole policy too, first", () => {
    const kept = synth({ ...config, vault: { ...config.vault, keepLegacyLayout: true } }).stacks.vault;
    const sre = Object.values<any>(resources(kept, "vault_identity_group")).find((g) => g.name === "aws-sre--oidc--eng-sre");
    expect(sre.policies).toEqual(["aws-sre", ...shards("sre")]);
  });
  test("a requester without bindings has no identity group", () => {
    expect(groups.some((g) => g.name.startsWith("aws-auditors"))).toBe(false);
  });
});

describe("role names that match other construct ids of the stack", () => {
  test.each(["aws", "broker", "role_arns", "backend", "broker_user_arn"])("a role named %s synthesizes", (name) => {
    const config = structuredClone(example);
    config.accounts[0].roles.push({ name });
    const primary = synth(config).stacks["aws-primary"];
    expect(resourceWhere(primary, "aws_iam_role", "name", name).name).toBe(name);
  });
});

describe("state in S3", () => {
  const config = structuredClone(example);
  config.state = { s3: { bucket: "acme-tf-state", region: "eu-west-1", roleArn: "arn:aws:iam::111111111111:role/TerraformState" } };
  const s3 = synth(config).stacks;

  test("each stack keeps its state at <keyPrefix>/<stack>.tfstate, encrypted and locked by S3's lock file", () => {
    expect(s3["aws-dev"].terraform.backend).toEqual({
      s3: {
        bucket: "acme-tf-state",
        key: "vault-aws-multi-account/aws-dev.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
        assume_role: { role_arn: "arn:aws:iam::111111111111:role/TerraformState" },
      },
    });
    expect(s3.vault.terraform.backend.s3.key).toBe("vault-aws-multi-account/vault.tfstate");
  });
  test("the vault stack reads no other stack's state: nothing of the broker's crosses to it", () => {
    expect(s3.vault.data?.terraform_remote_state).toBeUndefined();
  });
  test("passes a named profile to the backend", () => {
    const withProfile = structuredClone(config);
    withProfile.state.s3.profile = "state-admin";
    const stacks = synth(withProfile).stacks;
    expect(stacks["aws-dev"].terraform.backend.s3.profile).toBe("state-admin");
    expect(stacks.vault.terraform.backend.s3.profile).toBe("state-admin");
  });
  test("requires a Terraform that has S3's lock file", () => {
    expect(s3["aws-dev"].terraform.required_version).toBe(">= 1.11");
  });
  test("the sandbox keeps the S3 backend, on the emulator's S3, locked the same way", () => {
    const sandboxed = synth(config, { sandbox: { awsEndpoint: "http://127.0.0.1:1", stateDir: "/s" } }).stacks;
    for (const [name, stack] of Object.entries(sandboxed)) {
      expect(stack.terraform.backend).toEqual({
        s3: {
          bucket: "acme-tf-state",
          key: `vault-aws-multi-account/${name}.tfstate`,
          region: "eu-west-1",
          encrypt: true,
          use_lockfile: true,
          endpoints: { s3: "http://127.0.0.1:1", sts: "http://127.0.0.1:1", iam: "http://127.0.0.1:1" },
          use_path_style: true,
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
        },
      });
    }
  });
  test("the sandbox keeps a config without state.s3 in local files in its state folder", () => {
    const { state: _state, ...local } = config;
    const sandboxed = synth(local, { sandbox: { awsEndpoint: "http://127.0.0.1:1", stateDir: "/s" } }).stacks;
    for (const [name, stack] of Object.entries(sandboxed))
      expect(stack.terraform.backend).toEqual({ local: { path: `/s/${name}.tfstate` } });
  });
});
