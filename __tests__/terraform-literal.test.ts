import { terraformLiteral, terraformLiterals } from "../lib/terraform-literal";
import { baseConfig, configOf, resources, synth } from "./helpers";

/** What the provider receives for a string of Terraform's JSON syntax without interpolations: escapes undone. */
const asTerraformReads = (text: string) => text.replace(/([$%])\1\{/g, (escape: string) => escape.slice(1));

/** A config-only pull request that tries to copy the broker's secret key into an IAM policy. */
const EXFILTRATE = "${nonsensitive(aws_iam_access_key.broker_access-key-1_7A42E3E4.secret)}";

const ABAC_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "Home",
      Effect: "Allow",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::home/${aws:username}/*", EXFILTRATE, "arn:aws:s3:::already-escaped/$${x}/%%{y}"],
    },
    {
      Effect: "Allow",
      Action: "ec2:*",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceTag/team": "${aws:PrincipalTag/team}", "ec2:Note": "%{ if true }x%{ endif }" } },
    },
  ],
};

/** A config with template syntax in every field that takes free text, across every kind of stack. */
function hostileConfig(): any {
  const config: any = baseConfig();
  config.accounts[1].roles[0].inlinePolicy = ABAC_POLICY;
  config.accounts[1].deployment = { profile: "deploy-${var.x}" };
  config.requesters.developers.description = `Developers ${EXFILTRATE} %{ for x in [] }%{ endfor }`;
  config.requesters.developers.groups = [{ authMount: "oidc", name: `team-${EXFILTRATE}` }];
  config.state = { s3: { bucket: "vault-aws-state", region: "us-east-1", kmsKeyId: "alias/terraform-state" } };
  config.guardrails = { organization: { managementAccountId: "999999999999", targets: ["r-ab12"] } };
  return config;
}

/**
 * Every place a string of the stack opens a template Terraform would evaluate, as `path: text`,
 * unless it is a reference cdktf made: to a resource or data source declared in the same stack, or
 * `terraform.workspace`. The backend block is skipped: Terraform reads it without templates.
 */
function foreignTemplates(stack: any): string[] {
  const declared = new Set<string>(["terraform.workspace"]);
  for (const [type, byName] of Object.entries<any>(stack.resource ?? {}))
    for (const name of Object.keys(byName)) declared.add(`${type}.${name}`);
  for (const [type, byName] of Object.entries<any>(stack.data ?? {}))
    for (const name of Object.keys(byName)) declared.add(`data.${type}.${name}`);
  const found: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") {
      // An opener preceded by another `$` (or `%`) is an escape, which Terraform turns into text.
      for (const m of value.matchAll(/(?<![$%])([$%])\{([^}]*)\}?/g)) {
        const reference =
          m[1] === "$" ? /^((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+|terraform\.workspace)(?:\.[A-Za-z0-9_-]+)*$/.exec(m[2]) : null;
        if (!reference || !declared.has(reference[1])) found.push(`${path}: ${m[0]}`);
      }
    } else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (path === "terraform" && key === "backend") continue;
        walk(key, `${path}{key}`);
        walk(item, path ? `${path}.${key}` : key);
      }
    }
  };
  walk(stack, "");
  return found;
}

describe("terraformLiteral", () => {
  test.each([
    ["arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/$${aws:username}/*"],
    ["%{ if x }y%{ endif }", "%%{ if x }y%%{ endif }"],
    ["$${already}", "$$${already}"],
    ["$ {not} % {a template} $x %s {}", "$ {not} % {a template} $x %s {}"],
  ])("%s → %s", (text, literal) => {
    expect(terraformLiteral(text)).toBe(literal);
    expect(asTerraformReads(terraformLiteral(text))).toBe(text);
  });
  test("reaches every string and key of plain data, and leaves other values alone", () => {
    expect(terraformLiterals({ a: ["${x}", 1, true, null], "${k}": { b: "%{y}" } })).toEqual({
      a: ["$${x}", 1, true, null],
      "$${k}": { b: "%%{y}" },
    });
  });
});

describe("config text reaches Terraform as text", () => {
  const { stacks } = synth(hostileConfig());

  test("the hostile config makes every kind of stack", () => {
    expect(Object.keys(stacks).sort()).toEqual(["aws-dev", "aws-organization", "aws-primary", "vault", "vault-roles-10"]);
  });

  test.each(["aws-dev", "aws-organization", "aws-primary", "vault", "vault-roles-10"])(
    "%s: every template is a reference the program made",
    (name) => {
      expect(foreignTemplates(stacks[name])).toEqual([]);
    },
  );

  test("the walk does find what it looks for: the program's own references pass, config text would not", () => {
    const stack = { resource: { aws_iam_user: { u: { name: "${aws_iam_user.u.name}", x: EXFILTRATE, y: "%{ if true }%{ endif }" } } } };
    expect(foreignTemplates(stack)).toEqual([
      `resource.aws_iam_user.u.x: ${EXFILTRATE}`,
      "resource.aws_iam_user.u.y: %{ if true }",
      "resource.aws_iam_user.u.y: %{ endif }",
    ]);
  });

  test("an inline policy with IAM policy variables is stored as the config's document", () => {
    const [policy] = Object.values<any>(resources(stacks["aws-dev"], "aws_iam_role_policy")).filter(
      (p) => p.name !== "AWSRevokeOlderSessions",
    );
    expect(JSON.parse(asTerraformReads(policy.policy))).toEqual(ABAC_POLICY);
  });

  test("the broker-secret string stays inert text, in the policy and in the Vault group alias", () => {
    const [policy] = Object.values<any>(resources(stacks["aws-dev"], "aws_iam_role_policy")).filter(
      (p) => p.name !== "AWSRevokeOlderSessions",
    );
    expect(JSON.parse(policy.policy).Statement[0].Resource[1]).toBe(`$${EXFILTRATE}`);
    const [alias] = Object.values<any>(resources(stacks.vault, "vault_identity_group_alias"));
    expect(alias.name).toBe(`team-$${EXFILTRATE}`);
    expect(asTerraformReads(alias.name)).toBe(`team-${EXFILTRATE}`);
  });

  test("a deployment profile reaches the provider as written", () => {
    expect(asTerraformReads(stacks["aws-dev"].provider.aws[0].profile)).toBe("deploy-${var.x}");
  });

  test("the state settings, which no one escape suits, refuse template syntax", () => {
    const config = hostileConfig();
    config.state.s3.kmsKeyId = "alias/${x}";
    config.state.s3.profile = "%{x}";
    expect(() => configOf(config)).toThrow(
      'state.s3.kmsKeyId: "alias/${x}" is not allowed: use a KMS key id, key ARN or alias such as alias/terraform-state',
    );
    expect(() => configOf(config)).toThrow('state.s3.profile: "%{x}" is not allowed: use the name of an AWS profile');
  });
});
