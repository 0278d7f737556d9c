/**
 * `vault-aws explain [--stack NAME] [--outdir DIR]` (`npm run explain`): every policy the synthesized stacks hand to
 * AWS and Vault, as they will store it, so a reviewer can read a change without unescaping JSON
 * strings: IAM trust, inline and managed policies pretty-printed, managed policy attachments by
 * ARN, Vault ACL policies as plain HCL, and each Vault role's body. Synthesizes first (`--no-synth`
 * reads the last synth); `cdktf.out` is git-ignored, so this, not a diff of it, is what to read.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { sandboxFromEnv } from "../../lib/sandbox";
import { stacksInOrder } from "../../run/stacks";
import { describeSynth } from "../../run/synth-output";
import { readStackJson, type StackJson, type TerraformValues } from "../../run/terraform-json";
import { synthesize } from "../../synth";
import type { CommandHandler } from "../context";

/** What one resource stores, in words and text, or nothing when it holds no policy. */
type Explained = { readonly title: string; readonly body: string } | undefined;

/** A JSON document stored as a string argument (a policy, a Vault write's body), indented. */
const pretty = (json: unknown) => JSON.stringify(JSON.parse(String(json)), null, 2);

/**
 * The readable policy text of one resource, by its type, from its arguments (written as text, as
 * Terraform stores them); `ref` turns a reference into a name.
 */
const EXPLAIN: Record<string, (r: TerraformValues, ref: (value: unknown) => string) => Explained> = {
  aws_iam_role: (r) => ({
    title: `IAM role ${String(r.name)}: trust policy (max session ${String(r.max_session_duration)} s)`,
    body: pretty(r.assume_role_policy),
  }),
  // The config's inlinePolicy is stored under the name "inline"; "inline policy inline" read like a typo.
  aws_iam_role_policy: (r, ref) => ({
    title: `IAM role ${ref(r.role)}: inline policy ${r.name === "inline" ? 'from the config (stored under the name "inline")' : String(r.name)}`,
    body: pretty(r.policy),
  }),
  aws_iam_role_policy_attachment: (r, ref) => ({ title: `IAM role ${ref(r.role)}: managed policy attached`, body: ref(r.policy_arn) }),
  aws_iam_policy: (r) => ({ title: `IAM managed policy ${String(r.name)}`, body: pretty(r.policy) }),
  // The broker's groups count from 0 and its policies from 1 (group k holds policies 10k+1 to
  // 10k+10), so group …-0 holding policy …-1 is right; the heading says so.
  aws_iam_group_policy_attachment: (r, ref) => {
    const policy = /^the arn of policy (.+)$/.exec(ref(r.policy_arn))?.[1];
    const numbered = /-assume-roles-\d+$/.test(ref(r.group)) && policy !== undefined;
    return {
      title: `IAM group ${ref(r.group)}: managed policy ${policy === undefined ? "" : `${policy} `}attached${numbered ? " (group k holds the broker's policies 10k+1 to 10k+10)" : ""}`,
      body: ref(r.policy_arn),
    };
  },
  vault_policy: (r) => ({ title: `Vault ACL policy ${String(r.name)}`, body: String(r.policy).trimEnd() }),
  vault_generic_endpoint: (r) => ({ title: `Vault write ${String(r.path)}`, body: pretty(r.data_json) }),
};

/**
 * A reference to another resource of the stack (`${aws_iam_role.<id>.name}`) as the name it
 * stands for; an ARN not known before apply as "the ARN of <name>"; anything else as written.
 */
function referenceResolver(json: StackJson): (value: unknown) => string {
  return (argument) => {
    const value = String(argument);
    const match = /^\$\{([a-z_]+)\.([^.}]+)\.([a-z_]+)\}$/.exec(value);
    const resource = match && json.resource?.[match[1]]?.[match[2]];
    if (!match || !resource) return value;
    const attribute = resource[match[3]];
    if (typeof attribute === "string") return attribute;
    return `the ${match[3]} of ${match[1].replace(/^aws_iam_/, "").replace(/_/g, " ")} ${typeof resource.name === "string" ? resource.name : match[2]}`;
  };
}

/** The explanation of one synthesized stack, as text. */
export function explainStack(name: string, json: StackJson): string {
  const sections: string[] = [];
  const ref = referenceResolver(json);
  for (const [type, byId] of Object.entries(json.resource ?? {})) {
    const explain = EXPLAIN[type];
    if (!explain) continue;
    for (const resource of Object.values(byId)) {
      const explained = explain(resource, ref);
      if (explained) sections.push(`## ${explained.title}\n\n${explained.body}\n`);
    }
  }
  return `# ${name}\n\n${sections.length > 0 ? sections.join("\n") : "(no policies)\n"}`;
}

/** Options of `vault-aws explain`. */
export interface ExplainOptions {
  /** The accounts file, synthesized first unless `synth` is false. */
  readonly config: string;
  /** The synth output. */
  readonly outdir: string;
  /** @default - every stack */
  readonly stack?: string;
  /** False: explain the last synth as it is, with a warning when the config is newer than it. */
  readonly synth: boolean;
}

/**
 * `vault-aws explain`: synthesizes the config (as `vault-aws synth` does), then prints the policies
 * of every stack, or of one. With `--no-synth` it reads the last synth and warns when the accounts
 * file was changed after it.
 */
export const explainCommand: CommandHandler<ExplainOptions> = (options, ctx) => {
  const { outdir } = options;
  const manifest = join(outdir, "manifest.json");
  if (options.synth) {
    const { changes } = synthesize({
      configFile: options.config,
      outdir,
      localStateDir: process.cwd(),
      sandbox: sandboxFromEnv(ctx.env),
      warn: ctx.note,
    });
    ctx.note(`explain: ${describeSynth(outdir, changes)}`);
  } else if (!existsSync(manifest)) {
    throw new Error(`explain: ${manifest} is missing: run vault-aws synth first, or drop --no-synth (or pass --outdir)`);
  } else if (existsSync(options.config) && statSync(options.config).mtimeMs > statSync(manifest).mtimeMs) {
    ctx.note(
      `explain: warning: ${options.config} was changed after the synth in ${outdir}, so this is what the config was, not what it is; drop --no-synth to synthesize first`,
    );
  }
  const stacks = stacksInOrder(outdir);
  const chosen = options.stack === undefined ? stacks : stacks.filter((s) => s.name === options.stack);
  if (chosen.length === 0)
    throw new Error(`explain: no stack ${options.stack} in ${outdir}: the stacks are ${stacks.map((s) => s.name).join(", ")}`);
  for (const stack of chosen) ctx.log(explainStack(stack.name, readStackJson(stack.dir)));
  return 0;
};
