import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import {
  DURATION_TEXT,
  MAX_STS_TTL_SECONDS,
  MIN_ROLE_SESSION_SECONDS,
  MIN_STS_TTL_SECONDS,
  formatDuration,
  parseDuration,
} from "../duration";
import { REQUESTER_NAME } from "../names";
import { CONTROL_CHARACTERS, jsonText } from "../output-text";
import { DEFAULT_BROKER_ATTACHMENT_SLOTS, IAM_QUOTAS } from "../policy/broker-policies";
import { expandTarget, sourcedRoles, TARGET } from "./role-sets";

/**
 * The schema of `accounts.yaml`: the single place where input is checked.
 * Everything downstream receives `AccountsConfig` and never re-validates it.
 *
 * Messages follow one pattern: what is wrong, the value received, what is allowed.
 */

/** The example in the unquoted-id message; the loader puts the id as written in its place. */
export const UNQUOTED_ID_EXAMPLE = 'id: "012345678901"';

function show(value: unknown): string {
  return typeof value === "string" ? jsonText(value) : `${typeof value} ${jsonText(value)}`;
}

/** The message for a value of the wrong type, or for a missing required field. */
function expected(what: string, input: unknown): string {
  return input === undefined ? `is required: ${what}` : `expected ${what}, got ${show(input)}`;
}

/** An object that rejects unknown keys (typos), suggests the allowed key nearest each, and names the keys it allows. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const keys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? unknownKeysMessage(iss.keys, keys) : expected("a mapping", iss.input)),
  });
}

/**
 * The message for unknown keys: each one near an allowed key (a typo, a missing or extra letter)
 * gets a "did you mean", as unknown requester and policy names do.
 */
export function unknownKeysMessage(unknown: readonly string[], allowed: readonly string[]): string {
  const named = `unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}`;
  const hints = unknown.flatMap((key) => {
    const near = closest(key, [...allowed]);
    // Up to a third of the key's letters changed: "rolse" → "roles", not "foo" → "id".
    if (distance(key, near) > Math.max(2, Math.floor(key.length / 3))) return [];
    return [unknown.length > 1 ? `did you mean "${near}" for "${key}"?` : `did you mean "${near}"?`];
  });
  if (hints.length === 0) return `${named}: allowed keys are ${allowed.join(", ")}`;
  return `${named}: ${hints.join(" ")} Allowed keys are ${allowed.join(", ")}`;
}

/** A string matching `pattern`; the message names what is allowed. */
function pattern(re: RegExp, allowed: string, max?: number) {
  let schema = z.string({ error: (iss) => expected(`a string (${allowed})`, iss.input) });
  schema = schema.regex(re, { error: (iss) => `${show(iss.input)} is not allowed: use ${allowed}` });
  if (max !== undefined) {
    schema = schema.max(max, { error: (iss) => `${show(iss.input)} is too long: at most ${max} characters` });
  }
  return schema;
}

/** A duration such as `15m`, converted to seconds and kept within STS limits. */
function stsTtl() {
  return z
    .string({ error: (iss) => expected(`a duration such as "15m" or "1h"`, iss.input) })
    .regex(DURATION_TEXT, { error: (iss) => `${show(iss.input)} is not a duration: write e.g. "900s", "15m", "1h" or "1h30m"` })
    .transform((text, ctx) => {
      const seconds = parseDuration(text)!;
      if (seconds < MIN_STS_TTL_SECONDS || seconds > MAX_STS_TTL_SECONDS) {
        ctx.addIssue({
          code: "custom",
          message: `${show(text)} is out of range: STS credentials live between ${formatDuration(MIN_STS_TTL_SECONDS)} and ${formatDuration(MAX_STS_TTL_SECONDS)}`,
        });
        return z.NEVER;
      }
      return seconds;
    });
}

/** An STS TTL that falls back to `fallback` (parsed like any input) when absent. */
function ttl(fallback: string) {
  return stsTtl().prefault(fallback);
}

/** A role's MaxSessionDuration: IAM allows 1h to 12h. */
const sessionDuration = z
  .string({ error: (iss) => expected(`a duration such as "1h" or "12h"`, iss.input) })
  .regex(DURATION_TEXT, { error: (iss) => `${show(iss.input)} is not a duration: write e.g. "1h", "90m" or "12h"` })
  .transform((text, ctx) => {
    const seconds = parseDuration(text)!;
    if (seconds < MIN_ROLE_SESSION_SECONDS || seconds > MAX_STS_TTL_SECONDS) {
      ctx.addIssue({ code: "custom", message: `${show(text)} is not allowed: IAM takes a MaxSessionDuration between 1h and 12h` });
      return z.NEVER;
    }
    return seconds;
  });

/** The longest account name: it prefixes stack names (`aws-<name>`) and Vault role names (`<name>-<role>`). */
export const ACCOUNT_NAME_MAX = 40;
/** Account names become stack names (`aws-<name>`) and prefixes of Vault role names. */
export const ACCOUNT_NAME = pattern(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "lowercase letters, digits and inner hyphens", ACCOUNT_NAME_MAX);
/**
 * IAM role names allow `[\w+=,.@-]` up to 64 characters; Vault role names (`<account>-<role>`) allow
 * `\w(([\w-.@]+)?\w)?`. A role name must satisfy both, so it keeps to their intersection.
 */
export const ROLE_NAME = pattern(
  /^[A-Za-z0-9_](?:[A-Za-z0-9_.@-]*[A-Za-z0-9_])?$/,
  "letters, digits, '_', and inner '.', '@' or '-' (IAM role names that Vault also accepts)",
  64,
);
/** Vault policy names are lowercased by Vault; keep them lowercase so what is written is what is stored. */
const REQUESTER = pattern(REQUESTER_NAME, "lowercase letters, digits, '_' and inner '-'", 100);
const VAULT_ROLE_NAME = pattern(/^[A-Za-z0-9_](?:[A-Za-z0-9_.@-]*[A-Za-z0-9_])?$/, "letters, digits, '_', and inner '.', '@' or '-'", 128);
const IAM_USER_NAME = pattern(/^[\w+=,.@-]+$/, "letters, digits and + = , . @ _ -", 64);
const ACCOUNT_ID = z
  .string({
    error: (iss) => (typeof iss.input === "number" ? unquotedIdMessage(iss.input) : expected("a quoted 12-digit account id", iss.input)),
  })
  .regex(/^\d{12}$/, { error: (iss) => `${show(iss.input)} is not an AWS account id: use exactly 12 digits, quoted` });
/** sts:ExternalId: 2 to 1224 characters of `[\w+=,.@:/-]` (AssumeRole API reference). */
const EXTERNAL_ID = pattern(/^[\w+=,.@:/-]{2,}$/, "2 to 1224 characters of letters, digits and + = , . @ : / _ -", 1224);
const MANAGED_POLICY_ARN = pattern(
  /^arn:aws(?:-cn|-us-gov)?:iam::(?:aws|\d{12}):policy\/[\w+=,.@/-]+$/,
  "an IAM managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess",
);

/**
 * A permissions boundary: a managed policy ARN, or the path and name of a customer managed policy
 * that each account holds (`vault-aws/Boundary` → `arn:<partition>:iam::<account id>:policy/vault-aws/Boundary`).
 */
const PERMISSIONS_BOUNDARY = pattern(
  /^(?:arn:aws(?:-cn|-us-gov)?:iam::(?:aws|\d{12}):policy\/[\w+=,.@/-]+|[\w+=,.@-]+(?:\/[\w+=,.@-]+)*)$/,
  "a managed policy ARN such as arn:aws:iam::aws:policy/PowerUserAccess, or the path/name of a policy each account holds, such as vault-aws/Boundary",
);

/**
 * The message for an account id YAML read as a number, with the reason this one is wrong: the
 * number lost its leading zeros, was written in exponent, hexadecimal or octal form, is too large
 * to hold exactly, or is simply not the string an account id is. `source` is the id as the file
 * wrote it (the loader has it); without it, the example id stands in.
 */
export function unquotedIdMessage(value: number, source?: string): string {
  const written = source ?? String(value);
  let reason: string;
  if (/^[-+]?0\d/.test(written)) reason = "YAML reads unquoted digits as a number and drops leading zeros";
  else if (/^[-+]?0x/i.test(written)) reason = `YAML reads ${written} as a hexadecimal number`;
  else if (/^[-+]?0o/i.test(written)) reason = `YAML reads ${written} as an octal number`;
  else if (/e/i.test(written) && source !== undefined) reason = `YAML reads ${written} as a number in exponent form`;
  else if (!Number.isSafeInteger(value))
    reason = `YAML reads unquoted digits as a number, and ${written} is too large for one to hold exactly`;
  else reason = "YAML reads unquoted digits as a number, and an account id is a string";
  return `got the number ${value}: ${reason}; quote the id, e.g. ${source !== undefined ? `id: "${source}"` : UNQUOTED_ID_EXAMPLE}`;
}

/** An RFC 3339 time with its offset, as AWS's aws:TokenIssueTime compares it. */
/** An RFC 3339 time with its offset: the kill switch's time. */
export const RFC3339 = z.iso.datetime({
  offset: true,
  error: (iss) => expected('an RFC 3339 time with its offset, such as "2026-11-26T13:00:00Z"', iss.input),
});

const REGION = pattern(/^[a-z]{2}(?:-[a-z]+)+-\d$/, "an AWS region such as us-east-1");

/** Vault's own mounts, which a secrets engine cannot take. */
const RESERVED_MOUNTS = ["sys", "auth", "identity", "cubbyhole"];

/** Whether a Vault address is https, or plain http to this machine only (a dev server). */
function plainHttpAllowed(address: string): boolean {
  let url: URL;
  try {
    url = new URL(address); // the scheme as the provider will read it: case-insensitive
  } catch {
    return true; // not a URL: the url check reports it
  }
  return url.protocol !== "http:" || ["localhost", "[::1]"].includes(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

/** IAM's default quota of managed policies attached to one role (adjustable to 20). */
export const MANAGED_POLICIES_PER_ROLE = 10;
/** IAM's limit on the aggregate size of a role's inline policies, whitespace not counted. */
export const ROLE_INLINE_POLICY_CHARS = 10_240;

/** The rules among `broker:`'s own keys: `identity: role` needs the role; `keepUser` is a step of the switch to it. */
function checkBrokerIdentity(broker: { identity: "user" | "role"; roleName?: string; keepUser: boolean }, ctx: z.RefinementCtx): void {
  if (broker.identity === "role" && broker.roleName === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["roleName"],
      message:
        "is required with identity: role: name the existing IAM role Vault runs as (its instance profile's role, its IRSA or EKS Pod Identity role, or its ECS task role)",
    });
  }
  if (broker.keepUser && broker.identity === "user") {
    ctx.addIssue({
      code: "custom",
      path: ["keepUser"],
      message:
        'is only for identity: role, while switching from a user (see docs/security.md, "Switching an estate from user to role"); with identity: user the user is always kept',
    });
  }
}

const statement = z
  .looseObject({
    Sid: z.string().optional().describe("the statement's id"),
    Effect: z
      .enum(["Allow", "Deny"], { error: (iss) => `expected "Allow" or "Deny", got ${show(iss.input)}` })
      .describe("with Action or NotAction, and Resource or NotResource, as IAM takes them"),
  })
  .refine((st) => "Action" in st || "NotAction" in st, { error: "needs Action or NotAction" })
  .refine((st) => "Resource" in st || "NotResource" in st, {
    error: "needs Resource or NotResource (a role's policy names what it acts on)",
  });
const policyDocument = strict({
  Version: z
    .literal("2012-10-17", { error: (iss) => `expected "2012-10-17", got ${show(iss.input)}` })
    .describe("the policy language version"),
  Id: z.string().optional().describe("the policy's id"),
  Statement: z.array(statement).min(1, { error: "needs at least one statement" }).describe("at least one statement"),
}).superRefine((doc, ctx) => {
  const size = JSON.stringify(doc).replace(/\s/g, "").length;
  if (size > ROLE_INLINE_POLICY_CHARS) {
    ctx.addIssue({
      code: "custom",
      message: `is ${size} characters without whitespace; IAM allows at most ${ROLE_INLINE_POLICY_CHARS} for a role's inline policies: use managedPolicyArns`,
    });
  }
});

const deploymentOverride = strict({
  roleName: IAM_USER_NAME.optional().describe("the deployment role to assume in this account"),
  profile: z.string().min(1).optional().describe("named AWS profile to use instead of a role"),
}).refine((d) => !(d.roleName && d.profile), { error: "set roleName or profile, not both" });

const role = strict({
  name: ROLE_NAME.describe("IAM role name (letters, digits, _, inner . @ -; at most 64); unique in its account"),
  managedPolicyArns: z
    .array(MANAGED_POLICY_ARN)
    .max(MANAGED_POLICIES_PER_ROLE, {
      error: `at most ${MANAGED_POLICIES_PER_ROLE} managed policies per role (IAM's default quota)`,
    })
    .refine((arns) => new Set(arns).size === arns.length, { error: "lists a policy twice: list each ARN once" })
    .default([])
    .describe(
      "managed policies to attach, at most 10 (IAM's default quota); an AWS managed policy's name must be in the shipped list (see unknownManagedPolicies)",
    ),
  inlinePolicy: policyDocument
    .optional()
    .describe("an IAM policy document (at most 10,240 characters without whitespace), stored on the role as the policy named inline"),
  maxSessionDuration: sessionDuration
    .optional()
    .describe("the role's MaxSessionDuration, 1h to 12h and at least maxTtl. Default: the longer of 1h and the role's maxTtl"),
  defaultTtl: stsTtl().optional().describe("this role's default_sts_ttl in Vault. Default: vault.defaultTtl"),
  maxTtl: stsTtl().optional().describe("this role's max_sts_ttl in Vault. Default: vault.maxTtl"),
  requesters: z.array(REQUESTER).default([]).describe("requester groups (declared under requesters) that may request this role"),
  // The kill switch: every session of this role issued before this time is denied everything.
  revokeSessionsIssuedBefore: RFC3339.optional().describe(
    "the kill switch: deny everything to every session of this role issued before this RFC 3339 time (see vault-aws revoke)",
  ),
  permissionsBoundary: PERMISSIONS_BOUNDARY.optional().describe(
    "the role's permissions boundary: a managed policy ARN, or the path/name of a policy each account holds. Default: the top-level permissionsBoundary",
  ),
});

/** A label on accounts, for selectors (`tag:<tag>/<role>`) and for grouping in reports. */
export const TAG = pattern(
  /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/,
  "lowercase letters, digits, '_' and '-', starting and ending with a letter or digit, e.g. nonprod",
  64,
);

/** The name of a role set under `roleSets:`. */
export const ROLE_SET_NAME = pattern(
  /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/,
  "lowercase letters, digits, '_' and '-', starting and ending with a letter or digit, e.g. nonprod",
  64,
);

const account = strict({
  name: ACCOUNT_NAME.describe(
    "lowercase letters, digits and inner hyphens (at most 40); unique; names the stack aws-<name> and prefixes its Vault roles",
  ),
  id: ACCOUNT_ID.describe("the 12-digit account id, quoted (unquoted, YAML reads it as a number); unique"),
  tags: z
    .array(TAG, { error: (iss) => expected("a list of tags such as [nonprod, eu]", iss.input) })
    .default([])
    .describe("labels for selectors (tag:<tag>/<role>) and reports, e.g. [nonprod, eu]"),
  // The account's roles are those of these sets, in this order, then its own `roles:`.
  roleSets: z
    .array(ROLE_SET_NAME, { error: (iss) => expected("a list of role set names such as [baseline, nonprod]", iss.input) })
    .default([])
    .describe("role sets whose roles the account has, in this order, before its own roles"),
  externalId: EXTERNAL_ID.optional().describe("the sts:ExternalId the account's roles require; its Vault roles send it"),
  deployment: deploymentOverride.optional().describe("how Terraform gets into this account, when not deployment.roleName"),
  // `prefault`, a default as written, which the JSON Schema shows (zod omits `default` over durations).
  roles: z.array(role).prefault([]).describe("the IAM roles Vault may assume in this account; each gets the Vault role <account>-<role>"),
});

/** A path of an auth method's mount, as `vault auth list` shows it without the trailing `/`. */
const AUTH_MOUNT = pattern(
  /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/,
  "an auth mount path such as oidc or ldap/corp (letters, digits, '_', '.', '-', joined by '/')",
  200,
);

/** One external group that a requester stands for, on one auth method's mount. */
const binding = strict({
  /** Path of the auth method's mount, e.g. `oidc`; its accessor is looked up, never asked for. */
  authMount: AUTH_MOUNT.describe(
    "path of the auth method's mount, e.g. oidc; its accessor is looked up, and the mount must exist before the vault stack is applied",
  ),
  /** The group's name as the auth method reports it (OIDC/JWT groups claim, LDAP group). */
  name: z
    .string({ error: (iss) => expected("the external group's name as the auth method reports it", iss.input) })
    .min(1, { error: "must not be empty" })
    .max(256, { error: "is too long: at most 256 characters" })
    .describe("the group's name as the auth method reports it (OIDC/JWT groups claim, LDAP group)"),
});

/** A requester group: what it is for, and the identity-provider groups bound to it. */
const requester = strict({
  description: z
    .string({ error: (iss) => expected("a sentence saying who this requester group is", iss.input) })
    .min(1, { error: "must not be empty" })
    .describe("who the group is; shown in the vault stack's requesters output and in access reports"),
  groups: z
    .array(binding)
    .default([])
    .describe("identity-provider groups bound to the requester: whoever logs in through that mount as a member gets its roles"),
});

const vaultRole = strict({
  name: VAULT_ROLE_NAME.describe("the Vault role's name, requested at <mount>/sts/<name>"),
  targets: z
    .array(
      pattern(
        TARGET,
        `"<account>/<role>", "<glob>/<role>" or "tag:<tag>/<role>", e.g. "prod/readonly", "payments-*/readonly", "tag:nonprod/readonly"`,
      ),
      { error: (iss) => `expected a list of "<account>/<role>", "<glob>/<role>" or "tag:<tag>/<role>", got ${show(iss.input)}` },
    )
    .min(1, { error: "needs at least one target" })
    .describe(
      'the roles it spans: "<account>/<role>", "<glob>/<role>" (account names) or "tag:<tag>/<role>"; requesters pick one with role_arn=',
    ),
  defaultTtl: stsTtl().optional().describe("default_sts_ttl. Default: vault.defaultTtl"),
  maxTtl: stsTtl().optional().describe("max_sts_ttl. Default: vault.maxTtl"),
  requesters: z.array(REQUESTER).default([]).describe("requester groups that may request it"),
});

/** Options each kind of Vault audit device takes (Vault's docs, audit devices); `log_raw` is left out on purpose. */
const AUDIT_OPTIONS: Readonly<Record<"file" | "syslog" | "socket", readonly string[]>> = {
  file: ["file_path", "mode"],
  syslog: ["facility", "tag"],
  socket: ["address", "socket_type", "write_timeout"],
};
const AUDIT_COMMON_OPTIONS = ["format", "prefix", "hmac_accessor", "elide_list_responses", "fallback"];
const AUDIT_REQUIRED_OPTIONS: Readonly<Record<"file" | "syslog" | "socket", readonly string[]>> = {
  file: ["file_path"],
  syslog: [],
  socket: ["address"],
};

/** `vault.audit`: one audit device, whose log `vault-aws trace` reads. */
const auditDevice = strict({
  type: z
    .enum(["file", "syslog", "socket"], { error: (iss) => expected('"file", "syslog" or "socket"', iss.input) })
    .describe("the kind of audit device"),
  // The device's path in Vault (`vault audit list`).
  path: pattern(/^[A-Za-z0-9_-]+$/, "letters, digits, '_' and '-', e.g. vault-aws-file", 64)
    .optional()
    .describe("the device's path in Vault (vault audit list). Default: vault-aws-<type>"),
  description: z
    .string({ error: (iss) => expected("a string", iss.input) })
    .optional()
    .describe("the device's description in Vault"),
  local: z
    .boolean({ error: (iss) => expected("true or false", iss.input) })
    .default(false)
    .describe("Enterprise replication: a device local to this cluster"),
  options: z
    .record(z.string(), z.string({ error: (iss) => expected("a string (Vault takes every audit option as a string)", iss.input) }))
    .default({})
    .describe("the device's options (file_path, mode, facility, tag, address, socket_type, …; never log_raw), each a string"),
}).superRefine((device, ctx) => {
  const allowed = [...AUDIT_OPTIONS[device.type], ...AUDIT_COMMON_OPTIONS];
  for (const key of Object.keys(device.options)) {
    if (key === "log_raw") {
      ctx.addIssue({
        code: "custom",
        path: ["options", key],
        message: "is not allowed: log_raw writes every secret, the AWS secret keys among them, in clear to the log",
      });
    } else if (!allowed.includes(key)) {
      ctx.addIssue({
        code: "custom",
        path: ["options", key],
        message: `is not an option of a ${device.type} audit device: use ${allowed.join(", ")}`,
      });
    }
  }
  if (device.options.format !== undefined && device.options.format !== "json") {
    ctx.addIssue({
      code: "custom",
      path: ["options", "format"],
      message: `${show(device.options.format)} is not allowed: use "json", the format vault-aws trace reads`,
    });
  }
  for (const key of AUDIT_REQUIRED_OPTIONS[device.type]) {
    if (device.options[key] === undefined)
      ctx.addIssue({ code: "custom", path: ["options", key], message: `is required for a ${device.type} audit device` });
  }
});

/**
 * The GitOps pipeline whose identities the product makes: an OIDC provider (or an existing one) and
 * a plan and an apply role in one hub account, a read-only `vault-aws-plan` role in every account
 * (opt-in), and the pipeline's Vault JWT roles. See docs/pipeline.md.
 */
const pipeline = strict({
  // The hub account: where the OIDC provider and the plan and apply roles live.
  account: ACCOUNT_NAME.describe("the hub account: where the OIDC provider and the plan and apply roles live"),
  // An OIDC provider the account already has; without it, the pipeline stack creates one.
  oidcProviderArn: pattern(
    /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:oidc-provider\/[A-Za-z0-9.\/-]+$/,
    "an IAM OIDC provider ARN such as arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
  )
    .optional()
    .describe("an OIDC provider the hub account already has. Default: the pipeline stack creates one"),
  github: strict({
    repository: pattern(
      /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/,
      "owner/name of the GitHub repository, e.g. acme/vault-aws-config",
      140,
    ).describe("owner/name of the repository whose workflows plan and apply"),
    // The protected environment whose jobs may apply (required reviewers, deployment branch main).
    environment: pattern(/^[A-Za-z0-9._-]+$/, "a GitHub environment name such as production", 255)
      .default("production")
      .describe("the protected environment whose jobs may apply"),
    // The default branch, whose scheduled drift check runs with the (read-only) plan identity.
    defaultBranch: pattern(/^[A-Za-z0-9._\/-]+$/, "a branch name such as main", 255)
      .default("main")
      .describe("the default branch, whose scheduled drift check runs as the plan identity"),
  })
    .optional()
    .describe("GitHub Actions: the repository and its protected environment"),
  gitlab: strict({
    project: pattern(/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)+$/, "the project's path, e.g. acme/platform/vault-aws-config", 255).describe(
      "the project whose pipelines plan and apply",
    ),
    host: pattern(/^[a-z0-9.-]+$/, "the GitLab host name, e.g. gitlab.com")
      .default("gitlab.com")
      .describe("the GitLab host, the OIDC issuer"),
    // The protected branch whose pipelines may apply.
    ref: pattern(/^[A-Za-z0-9._\/-]+$/, "a protected branch name such as main", 255)
      .default("main")
      .describe("the protected branch whose pipelines may apply"),
  })
    .optional()
    .describe("GitLab CI: the project and its protected branch"),
  // Create the read-only vault-aws-plan role in every account (a change to every account stack).
  planRoles: z
    .boolean({ error: (iss) => expected("true or false", iss.input) })
    .default(false)
    .describe("create the read-only vault-aws-plan role in every account (a change to every account stack)"),
  // The Vault JWT auth mount the pipeline logs in with; the vault stack writes its two roles there.
  vaultAuthMount: AUTH_MOUNT.default("jwt").describe("the Vault JWT auth mount the pipeline logs in with"),
}).refine((p) => (p.github === undefined) !== (p.gitlab === undefined), { error: "needs exactly one of github or gitlab" });

/**
 * The accounts file's fields, one by one. Checks across fields (names that must exist, be unique or
 * fit together) are added by `configSchema` (`./config-schema`), so this file needs none of them.
 */
export const writtenSchema = strict({
  partition: z.enum(["aws", "aws-cn", "aws-us-gov"]).default("aws").describe("the AWS partition, used in every ARN"),
  vault: strict({
    mount: pattern(
      /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\/[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/,
      "lowercase path segments of letters, digits, '_' and '-', separated by '/'",
      100,
    )
      .refine((mount) => !RESERVED_MOUNTS.includes(mount.split("/")[0]), {
        error: (iss) => `${show(iss.input)} is reserved by Vault: do not use ${RESERVED_MOUNTS.join(", ")}`,
      })
      .default("aws")
      .describe("path of the AWS secrets engine"),
    region: REGION.default("us-east-1").describe("region of the engine's STS and IAM calls"),
    defaultTtl: ttl("1h").describe("default_sts_ttl of every Vault role, 15m to 12h (durations: 900s, 15m, 1h, 1h30m)"),
    maxTtl: ttl("1h").describe("max_sts_ttl of every Vault role, 15m to 12h, at least defaultTtl"),
    address: z
      .url({ protocol: /^https?$/, error: (iss) => `expected an http(s) URL, got ${show(iss.input)}` })
      // The token and the broker's secret travel to this address: plain http only on loopback.
      .refine((url) => plainHttpAllowed(url), {
        error: (iss) =>
          `${show(iss.input)} is plain http: Vault's token and the broker's secret would cross the network unencrypted; use https (http is allowed only for 127.0.0.1 or localhost)`,
      })
      .optional()
      .describe(
        "Vault's URL: https, or plain http on loopback only. The token always comes from VAULT_TOKEN, never from the config. Default: VAULT_ADDR",
      ),
    // How many `vault-roles-NN` stacks hold the Vault roles. Each account's roles go to the
    // stack its name hashes to, so changing this number moves roles; see docs/scale.md, "The Vault stacks at 1,000 accounts".
    roleStacks: z
      .number({ error: (iss) => expected("a whole number from 1 to 64", iss.input) })
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be 1 or more" })
      .max(64, { error: "must be 64 or less" })
      .default(16)
      .describe(
        "how many vault-roles-NN stacks hold the Vault roles (1 to 64); fixed once deployed, since each account's roles go to the stack its name hashes to",
      ),
    // Hardening, off by default so that existing estates synthesize unchanged; see docs/security.md, "Hardening switches".
    // Every session name starts "vault-" (the engine's username_template), and trust policies require it.
    pinSessionNames: z
      .boolean({ error: (iss) => expected("true or false", iss.input) })
      .default(false)
      .describe('hardening: every session name starts "vault-" (the engine\'s username_template), and the trust policies require it'),
    // The mount's max lease TTL is the longest max TTL of any Vault role.
    capMountLeaseTtl: z
      .boolean({ error: (iss) => expected("true or false", iss.input) })
      .default(false)
      .describe("hardening: the mount's max lease TTL is the longest max TTL of any Vault role"),
    // For the upgrade of an estate deployed before the ACL shards; see docs/upgrading.md.
    keepLegacyLayout: z
      .boolean({ error: (iss) => expected("true or false", iss.input) })
      .default(false)
      .describe(
        "upgrade only: keep each requester group's whole policy in the vault stack beside the per-roles-stack policies, and the removed blocks of the roles move (docs/upgrading.md)",
      ),
    // A Vault audit device the vault stack manages (an estate may already have one); see docs/requesters.md.
    audit: auditDevice
      .optional()
      .describe("a Vault audit device the vault stack manages, whose log vault-aws trace reads (docs/requesters.md)"),
  })
    .prefault({})
    .describe("the Vault side: the engine's mount, its region, the TTLs every role starts from"),
  broker: strict({
    account: ACCOUNT_NAME.describe("name of the accounts entry holding the broker user (or the role Vault runs as)"),
    userName: IAM_USER_NAME.default("vault-account").describe("the broker's IAM user name"),
    organizationId: pattern(/^o-[a-z0-9]{10,32}$/, "an AWS Organizations id such as o-a1b2c3d4e5")
      .optional()
      .describe("the AWS Organizations id; adds aws:ResourceOrgID to the broker's policies as a second fence"),
    // Raising the generation has Vault rotate its key (config/rotate-root); see docs/security.md.
    keyGeneration: z
      .number({ error: (iss) => expected("a whole number from 1", iss.input) })
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be 1 or more" })
      .default(1)
      .describe("generation of the access key Vault holds; raise it and Vault rotates the key"),
    keepPreviousKey: z
      .boolean({ error: (iss) => expected("true or false", iss.input) })
      .default(false)
      .describe("no longer used: Vault rotates the key with no gap; a warning says so"),
    // Vault's own AWS identity: an IAM user whose key the engine holds, or the existing role Vault
    // runs as, with no key at all. See docs/security.md, "Keyless broker: Vault's own role".
    identity: z
      .enum(["user", "role"], { error: (iss) => expected('"user" or "role"', iss.input) })
      .default("user")
      .describe("what Vault's engine authenticates with: user, an IAM user's access key; role, no key, the role Vault runs as"),
    // IAM role and user names share a character set.
    roleName: IAM_USER_NAME.optional().describe(
      "the existing IAM role Vault runs as, in the broker's account; set with identity: user, it prepares the switch",
    ),
    attachmentSlots: z
      .number({ error: (iss) => expected(`a whole number from 1 to ${IAM_QUOTAS.managedPoliciesPerRoleCeiling}`, iss.input) })
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be 1 or more" })
      .max(IAM_QUOTAS.managedPoliciesPerRoleCeiling, {
        error: `must be ${IAM_QUOTAS.managedPoliciesPerRoleCeiling} or less: IAM allows at most ${IAM_QUOTAS.managedPoliciesPerRoleCeiling} managed policies per role, even with a raised quota`,
      })
      .default(DEFAULT_BROKER_ATTACHMENT_SLOTS)
      .describe("how many of the role's managed-policy slots the broker's policies may fill (IAM counts the role's own attachments too)"),
    keepUser: z
      .boolean({ error: (iss) => expected("true or false", iss.input) })
      .default(false)
      .describe("with identity: role, keep the user, its key and its trust during the switch"),
  })
    .superRefine(checkBrokerIdentity)
    .describe("Vault's own AWS identity, which assumes the roles"),
  deployment: strict({
    roleName: IAM_USER_NAME.default("OrganizationAccountAccessRole").describe("the role Terraform assumes in each account"),
    region: REGION.default("us-east-1").describe("region of each account's AWS provider"),
  })
    .prefault({})
    .describe("how Terraform gets into the accounts"),
  state: strict({
    s3: strict({
      bucket: pattern(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        "an S3 bucket name (lowercase letters, digits, '.', '-'; 3 to 63 characters)",
      ).describe("the bucket holding every stack's state, at <keyPrefix>/<stack>.tfstate, encrypted, locked with S3's lock file"),
      region: REGION.describe("the bucket's region"),
      // Terraform's S3 backend refuses keys with a leading or trailing "/" or with "//".
      keyPrefix: pattern(
        /^[\w!.*'()-]+(?:\/[\w!.*'()-]+)*$/,
        "an S3 key prefix: segments of letters, digits and ! - _ . * ' ( ) joined by single '/'",
        900,
      )
        .default("vault-aws-multi-account")
        .describe("key prefix of the state objects"),
      roleArn: pattern(/^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]+$/, "an IAM role ARN")
        .optional()
        .describe("a role Terraform assumes for the state bucket. Default: the credentials Terraform runs with"),
      // These go both into the backend block, which Terraform reads as is, and into the
      // terraform_remote_state of cross-stack references, where it evaluates templates: no one
      // escape suits both, so they keep to characters that open no template.
      kmsKeyId: pattern(/^[\w:/+=,.@-]+$/, "a KMS key id, key ARN or alias such as alias/terraform-state")
        .optional()
        .describe("the KMS key of the state objects. Default: the bucket's default encryption"),
      profile: pattern(/^[\w:/+=,.@-]+$/, "the name of an AWS profile for the state bucket: letters, digits and _ : / + = , . @ -")
        .optional()
        .describe("a named AWS profile for the bucket"),
      // Named so that it gets its own message rather than "unknown key".
      dynamodbTable: z
        .unknown()
        .refine((value) => value === undefined, {
          error:
            "is not used: every stack locks its state with S3's own lock file (use_lockfile, Terraform 1.11+), which replaces the DynamoDB lock table; remove dynamodbTable (the table can be deleted once no older Terraform uses it)",
        })
        .optional()
        .describe("refused: S3's own lock file replaces the DynamoDB lock table"),
    })
      .optional()
      .describe("keep state in S3 (for teams and pipelines). Default: local files, terraform.<stack>.tfstate in the project folder"),
  })
    .prefault({})
    .describe("where every stack keeps its Terraform state"),
  accounts: z
    .array(account, { error: "is required: list at least one account" })
    .min(1, {
      error: "is empty: list at least one account",
    })
    .describe("the AWS accounts, at least one; each becomes the stack aws-<name>"),
  // IAM path of every managed role, e.g. /vault-aws/: one ARN pattern then covers them all (guardrails).
  iamPath: pattern(
    /^\/(?:[A-Za-z0-9_+=,.@-]+\/)*$/,
    "an IAM path such as /vault-aws/: segments of letters, digits and _+=,.@- between slashes, starting and ending with /",
    512,
  )
    .default("/")
    .describe(
      "IAM path of every managed role, e.g. /vault-aws/, so that one ARN pattern covers them all; choose it before the first deploy",
    ),
  // A service control policy that protects the broker and the managed roles; see docs/security.md, "Guardrails".
  guardrails: strict({
    // Principals besides the deployment roles that may still change the broker and the roles (ARN patterns).
    exemptPrincipalArns: z
      .array(
        pattern(
          /^arn:aws(?:-cn|-us-gov)?:(?:iam|sts)::(?:\d{12}|\*):[\w+=,.@/*-]+$/,
          "an IAM principal ARN or ARN pattern such as arn:aws:iam::*:role/break-glass",
        ),
      )
      .default([])
      .describe("principals besides the deployment roles that may still change the broker and the roles (ARN patterns)"),
    // Where the organization stack creates and attaches the policy; without it, vault-aws guardrails only prints it.
    organization: strict({
      managementAccountId: ACCOUNT_ID.describe("the organization's management account, where the policy is created"),
      // The roots (r-…) and OUs (ou-…) the policy is attached to.
      targets: z
        .array(
          pattern(
            /^(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/,
            "a root id such as r-a1b2, an OU id such as ou-a1b2-c3d4e5f6, or an account id",
          ),
        )
        .min(1, { error: "needs at least one root or OU to attach to" })
        .describe("the roots (r-…) and OUs (ou-…) the policy is attached to"),
      roleName: IAM_USER_NAME.optional().describe("the role Terraform assumes in the management account. Default: deployment.roleName"),
    })
      .optional()
      .describe("where the organization stack creates and attaches the policy. Default: vault-aws guardrails only prints it"),
  })
    .optional()
    .describe("a service control policy that protects the broker and the managed roles. Default: none"),
  // The permissions boundary of every role that does not name its own.
  permissionsBoundary: PERMISSIONS_BOUNDARY.optional().describe("the permissions boundary of every role that does not name its own"),
  // Named lists of roles that accounts take with roleSets: [...], each role as under accounts[].roles.
  roleSets: z
    .record(
      ROLE_SET_NAME,
      z.array(role, { error: (iss) => expected("a list of roles", iss.input) }).min(1, { error: "is empty: list at least one role" }),
      {
        error: (iss) =>
          iss.code === "invalid_key"
            ? `${show(iss.input)} is not allowed as a role set name: use lowercase letters, digits, '_' and inner '-'`
            : expected("a mapping of role set names to lists of roles", iss.input),
      },
    )
    .prefault({})
    .describe("named lists of roles, each role as under accounts[].roles, that accounts take with roleSets"),
  vaultRoles: z.array(vaultRole).prefault([]).describe("Vault roles spanning several accounts' roles"),
  pipeline: pipeline.optional().describe("the GitOps pipeline whose identities the product makes (docs/pipeline.md)"),
  // An AWS managed policy name the shipped snapshot does not know: an error (a typo fails only at
  // apply otherwise), or a warning for policies newer than the snapshot.
  unknownManagedPolicies: z
    .enum(["error", "warn"], { error: (iss) => expected('"error" or "warn"', iss.input) })
    .default("error")
    .describe("warn accepts AWS managed policy names the shipped list does not know (policies newer than it), with a warning"),
  // Optional here so that a config without it gets one message listing the names it uses
  // (see checkReferences), rather than a bare "required".
  requesters: z
    .record(REQUESTER, requester, {
      error: (iss) =>
        iss.code === "invalid_key"
          ? `${show(iss.input)} is not allowed: use lowercase letters, digits, '_' and inner '-'`
          : expected("a mapping of requester names to { description, groups }", iss.input),
    })
    .optional()
    .describe(
      "every requester group a role names, declared: each gets, in each roles stack holding one of its roles, the Vault ACL policy <mount>-<name>.vault-roles-NN. Required once any role names a requester",
    ),
});

/** `accounts.yaml` as written, validated: role sets and selectors not yet expanded. */
export type WrittenConfig = z.output<typeof writtenSchema>;

/**
 * Expands role sets into each account's roles and target selectors into `"<account>/<role>"`
 * keys, so that everything downstream sees the config as if written out in full: the same config
 * written either way synthesizes the same bytes.
 */
export function expandRoleSets(config: WrittenConfig): WrittenConfig {
  const accounts = config.accounts.map((account, a) => ({
    ...account,
    roles: sourcedRoles(config.roleSets, account, a).map((s) => s.role),
  }));
  const vaultRoles = config.vaultRoles.map((vaultRole) => ({
    ...vaultRole,
    // Overlapping selectors name a role once, where it first appears.
    targets: [...new Set(vaultRole.targets.flatMap((target) => expandTarget(target, accounts)))],
  }));
  return { ...config, accounts, vaultRoles };
}

/** Control characters a config string may not hold: all of `CONTROL_CHARACTERS` but tab and line feed (YAML block scalars end in one). */
const REFUSED_CHARACTERS = new RegExp(`(?![\\t\\n])${CONTROL_CHARACTERS.source}`);

/**
 * Refuses control and invisible formatting characters in every string and every key of the file,
 * naming the field: text that could move a terminal's cursor or hide part of a review never enters.
 * Runs even when other fields have problems (`when`), so every such field is reported at once.
 */
export function noControlCharacters(): z.core.$ZodCheck<unknown> {
  const check = new z.core.$ZodCheck({ check: "custom", when: () => true }) as z.core.$ZodCheck<unknown>;
  check._zod.check = (payload) => {
    const reported = new Set(payload.issues.map((issue) => JSON.stringify(issue.path)));
    const visit = (value: unknown, path: PropertyKey[]) => {
      if (typeof value === "string") {
        const found = REFUSED_CHARACTERS.exec(value);
        if (found && !reported.has(JSON.stringify(path))) {
          const code = `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
          const shown = jsonText(value.length > 80 ? `${value.slice(0, 80)}…` : value);
          payload.issues.push({
            code: "custom",
            input: value,
            path: path as (string | number)[],
            message: `${shown} holds the control character ${code}: config text may not hold control or invisible formatting characters (tab and line feed excepted); remove it`,
          });
        }
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => visit(item, [...path, i]));
      } else if (value !== null && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) {
          if (REFUSED_CHARACTERS.test(key)) {
            payload.issues.push({
              code: "custom",
              input: key,
              path: path as (string | number)[],
              message: `the key ${jsonText(key)} holds a control character: config text may not hold control or invisible formatting characters; rename it`,
            });
          }
          visit(item, [...path, key]);
        }
      }
    };
    visit(payload.value, []);
  };
  return check;
}

/**
 * `accounts.yaml` after validation, with every default applied and every duration in seconds, and
 * role sets and selectors expanded (`configSchema`).
 */
export type AccountsConfig = WrittenConfig;
export type AccountConfig = AccountsConfig["accounts"][number];
export type RoleConfig = AccountConfig["roles"][number];
export type VaultRoleConfig = AccountsConfig["vaultRoles"][number];
export type RequesterConfig = NonNullable<AccountsConfig["requesters"]>[string];
