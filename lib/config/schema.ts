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
import { DEFAULT_BROKER_ATTACHMENT_SLOTS, IAM_QUOTAS } from "../policy/broker-policies";
import { checkReferences } from "./references";
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
  return typeof value === "string" ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}

/** The message for a value of the wrong type, or for a missing required field. */
function expected(what: string, input: unknown): string {
  return input === undefined ? `is required: ${what}` : `expected ${what}, got ${show(input)}`;
}

/** An object that rejects unknown keys (typos) and names the keys it allows. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown key${iss.keys.length > 1 ? "s" : ""} ${iss.keys.map((k) => `"${k}"`).join(", ")}: allowed keys are ${allowed}`
        : expected("a mapping", iss.input),
  });
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
export const ACCOUNT_NAME = pattern(
  /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
  "lowercase letters, digits and inner hyphens",
  ACCOUNT_NAME_MAX,
);
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
const VAULT_ROLE_NAME = pattern(
  /^[A-Za-z0-9_](?:[A-Za-z0-9_.@-]*[A-Za-z0-9_])?$/,
  "letters, digits, '_', and inner '.', '@' or '-'",
  128,
);
const IAM_USER_NAME = pattern(/^[\w+=,.@-]+$/, "letters, digits and + = , . @ _ -", 64);
const ACCOUNT_ID = z
  .string({
    error: (iss) =>
      typeof iss.input === "number"
        ? `got the number ${iss.input}: YAML reads unquoted digits as a number and drops leading zeros; quote the id, e.g. ${UNQUOTED_ID_EXAMPLE}`
        : expected("a quoted 12-digit account id", iss.input),
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

/** An RFC 3339 time with its offset, as AWS's aws:TokenIssueTime compares it. */
const RFC3339 = z.iso.datetime({ offset: true, error: (iss) => expected('an RFC 3339 time with its offset, such as "2026-11-26T13:00:00Z"', iss.input) });

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
      message: "is required with identity: role: name the existing IAM role Vault runs as (its instance profile's role, its IRSA or EKS Pod Identity role, or its ECS task role)",
    });
  }
  if (broker.keepUser && broker.identity === "user") {
    ctx.addIssue({
      code: "custom",
      path: ["keepUser"],
      message: "is only for identity: role, while switching from a user (see README, \"Switching an estate from user to role\"); with identity: user the user is always kept",
    });
  }
}

const statement = z
  .looseObject({
    Sid: z.string().optional(),
    Effect: z.enum(["Allow", "Deny"], { error: (iss) => `expected "Allow" or "Deny", got ${show(iss.input)}` }),
  })
  .refine((st) => "Action" in st || "NotAction" in st, { error: "needs Action or NotAction" })
  .refine((st) => "Resource" in st || "NotResource" in st, { error: "needs Resource or NotResource (a role's policy names what it acts on)" });
const policyDocument = strict({
    Version: z.literal("2012-10-17", { error: (iss) => `expected "2012-10-17", got ${show(iss.input)}` }),
    Id: z.string().optional(),
    Statement: z.array(statement).min(1, { error: "needs at least one statement" }),
  })
  .superRefine((doc, ctx) => {
    const size = JSON.stringify(doc).replace(/\s/g, "").length;
    if (size > ROLE_INLINE_POLICY_CHARS) {
      ctx.addIssue({
        code: "custom",
        message: `is ${size} characters without whitespace; IAM allows at most ${ROLE_INLINE_POLICY_CHARS} for a role's inline policies: use managedPolicyArns`,
      });
    }
  });

const deploymentOverride = strict({
    roleName: IAM_USER_NAME.optional().describe("deployment role to assume in this account"),
    profile: z.string().min(1).optional().describe("named AWS profile to use instead of a role"),
  })
  .refine((d) => !(d.roleName && d.profile), { error: "set roleName or profile, not both" });

const role = strict({
  name: ROLE_NAME,
  managedPolicyArns: z
    .array(MANAGED_POLICY_ARN)
    .max(MANAGED_POLICIES_PER_ROLE, {
      error: `at most ${MANAGED_POLICIES_PER_ROLE} managed policies per role (IAM's default quota)`,
    })
    .refine((arns) => new Set(arns).size === arns.length, { error: "lists a policy twice: list each ARN once" })
    .default([]),
  inlinePolicy: policyDocument.optional(),
  maxSessionDuration: sessionDuration.optional(),
  defaultTtl: stsTtl().optional(),
  maxTtl: stsTtl().optional(),
  requesters: z.array(REQUESTER).default([]),
  // The kill switch: every session of this role issued before this time is denied everything.
  revokeSessionsIssuedBefore: RFC3339.optional(),
  permissionsBoundary: PERMISSIONS_BOUNDARY.optional(),
});

/** A label on accounts, for selectors (`tag:<tag>/<role>`) and for grouping in reports. */
export const TAG = pattern(/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/, "lowercase letters, digits, '_' and '-', starting and ending with a letter or digit, e.g. nonprod", 64);

/** The name of a role set under `roleSets:`. */
export const ROLE_SET_NAME = pattern(/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/, "lowercase letters, digits, '_' and '-', starting and ending with a letter or digit, e.g. nonprod", 64);

const account = strict({
  name: ACCOUNT_NAME,
  id: ACCOUNT_ID,
  tags: z.array(TAG, { error: (iss) => expected("a list of tags such as [nonprod, eu]", iss.input) }).default([]),
  // The account's roles are those of these sets, in this order, then its own `roles:`.
  roleSets: z.array(ROLE_SET_NAME, { error: (iss) => expected("a list of role set names such as [baseline, nonprod]", iss.input) }).default([]),
  externalId: EXTERNAL_ID.optional(),
  deployment: deploymentOverride.optional(),
  roles: z.array(role).default([]),
});

/** A path of an auth method's mount, as `vault auth list` shows it without the trailing `/`. */
const AUTH_MOUNT = pattern(/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/, "an auth mount path such as oidc or ldap/corp (letters, digits, '_', '.', '-', joined by '/')", 200);

/** One external group that a requester stands for, on one auth method's mount. */
const binding = strict({
  /** Path of the auth method's mount, e.g. `oidc`; its accessor is looked up, never asked for. */
  authMount: AUTH_MOUNT,
  /** The group's name as the auth method reports it (OIDC/JWT groups claim, LDAP group). */
  name: z.string({ error: (iss) => expected("the external group's name as the auth method reports it", iss.input) }).min(1, { error: "must not be empty" }).max(256, { error: "is too long: at most 256 characters" }),
});

/** A requester group: what it is for, and the identity-provider groups bound to it. */
const requester = strict({
  description: z.string({ error: (iss) => expected("a sentence saying who this requester group is", iss.input) }).min(1, { error: "must not be empty" }),
  groups: z.array(binding).default([]),
});

const vaultRole = strict({
  name: VAULT_ROLE_NAME,
  targets: z
    .array(
      pattern(TARGET, `"<account>/<role>", "<glob>/<role>" or "tag:<tag>/<role>", e.g. "prod/readonly", "payments-*/readonly", "tag:nonprod/readonly"`),
      { error: (iss) => `expected a list of "<account>/<role>", "<glob>/<role>" or "tag:<tag>/<role>", got ${show(iss.input)}` },
    )
    .min(1, { error: "needs at least one target" }),
  defaultTtl: stsTtl().optional(),
  maxTtl: stsTtl().optional(),
  requesters: z.array(REQUESTER).default([]),
});

/** Options each kind of Vault audit device takes (Vault's docs, audit devices); `log_raw` is left out on purpose. */
const AUDIT_OPTIONS: Readonly<Record<"file" | "syslog" | "socket", readonly string[]>> = {
  file: ["file_path", "mode"],
  syslog: ["facility", "tag"],
  socket: ["address", "socket_type", "write_timeout"],
};
const AUDIT_COMMON_OPTIONS = ["format", "prefix", "hmac_accessor", "elide_list_responses", "fallback"];
const AUDIT_REQUIRED_OPTIONS: Readonly<Record<"file" | "syslog" | "socket", readonly string[]>> = { file: ["file_path"], syslog: [], socket: ["address"] };

/** `vault.audit`: one audit device, whose log `vault-aws trace` reads. */
const auditDevice = strict({
  type: z.enum(["file", "syslog", "socket"], { error: (iss) => expected('"file", "syslog" or "socket"', iss.input) }),
  // The device's path in Vault (`vault audit list`).
  path: pattern(/^[A-Za-z0-9_-]+$/, "letters, digits, '_' and '-', e.g. vault-aws-file", 64).optional(),
  description: z.string({ error: (iss) => expected("a string", iss.input) }).optional(),
  local: z.boolean({ error: (iss) => expected("true or false", iss.input) }).default(false),
  options: z.record(z.string(), z.string({ error: (iss) => expected("a string (Vault takes every audit option as a string)", iss.input) })).default({}),
}).superRefine((device, ctx) => {
  const allowed = [...AUDIT_OPTIONS[device.type], ...AUDIT_COMMON_OPTIONS];
  for (const key of Object.keys(device.options)) {
    if (key === "log_raw") {
      ctx.addIssue({ code: "custom", path: ["options", key], message: "is not allowed: log_raw writes every secret, the AWS secret keys among them, in clear to the log" });
    } else if (!allowed.includes(key)) {
      ctx.addIssue({ code: "custom", path: ["options", key], message: `is not an option of a ${device.type} audit device: use ${allowed.join(", ")}` });
    }
  }
  if (device.options.format !== undefined && device.options.format !== "json") {
    ctx.addIssue({ code: "custom", path: ["options", "format"], message: `${show(device.options.format)} is not allowed: use "json", the format vault-aws trace reads` });
  }
  for (const key of AUDIT_REQUIRED_OPTIONS[device.type]) {
    if (device.options[key] === undefined) ctx.addIssue({ code: "custom", path: ["options", key], message: `is required for a ${device.type} audit device` });
  }
});

const writtenSchema = strict({
    partition: z.enum(["aws", "aws-cn", "aws-us-gov"]).default("aws"),
    vault: strict({
        mount: pattern(
          /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\/[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/,
          "lowercase path segments of letters, digits, '_' and '-', separated by '/'",
          100,
        )
          .refine((mount) => !RESERVED_MOUNTS.includes(mount.split("/")[0]), {
            error: (iss) => `${show(iss.input)} is reserved by Vault: do not use ${RESERVED_MOUNTS.join(", ")}`,
          })
          .default("aws"),
        region: REGION.default("us-east-1"),
        defaultTtl: ttl("1h"),
        maxTtl: ttl("1h"),
        address: z
          .url({ protocol: /^https?$/, error: (iss) => `expected an http(s) URL, got ${show(iss.input)}` })
          // The token and the broker's secret travel to this address: plain http only on loopback.
          .refine((url) => plainHttpAllowed(url), {
            error: (iss) => `${show(iss.input)} is plain http: Vault's token and the broker's secret would cross the network unencrypted; use https (http is allowed only for 127.0.0.1 or localhost)`,
          })
          .optional(),
        // How many `vault-roles-NN` stacks hold the Vault roles. Each account's roles go to the
        // stack its name hashes to, so changing this number moves roles; see README, "The Vault stacks".
        roleStacks: z
          .number({ error: (iss) => expected("a whole number from 1 to 64", iss.input) })
          .int({ error: "must be a whole number" })
          .min(1, { error: "must be 1 or more" })
          .max(64, { error: "must be 64 or less" })
          .default(16),
        // Hardening, off by default so that existing estates synthesize unchanged; see README.
        // Every session name starts "vault-" (the engine's username_template), and trust policies require it.
        pinSessionNames: z.boolean({ error: (iss) => expected("true or false", iss.input) }).default(false),
        // The mount's max lease TTL is the longest max TTL of any Vault role.
        capMountLeaseTtl: z.boolean({ error: (iss) => expected("true or false", iss.input) }).default(false),
        // A Vault audit device the vault stack manages (an estate may already have one); see docs/requesters.md.
        audit: auditDevice.optional(),
      })
      .prefault({}),
    broker: strict({
      account: ACCOUNT_NAME,
      userName: IAM_USER_NAME.default("vault-account"),
      organizationId: pattern(/^o-[a-z0-9]{10,32}$/, "an AWS Organizations id such as o-a1b2c3d4e5").optional(),
      // Raising the generation creates a new access key for Vault; see README, "Rotating the broker's key".
      keyGeneration: z
        .number({ error: (iss) => expected("a whole number from 1", iss.input) })
        .int({ error: "must be a whole number" })
        .min(1, { error: "must be 1 or more" })
        .default(1),
      keepPreviousKey: z.boolean({ error: (iss) => expected("true or false", iss.input) }).default(false),
      // Vault's own AWS identity: an IAM user whose key the engine holds, or the existing role Vault
      // runs as, with no key at all. See README, "Keyless broker: Vault's own role".
      identity: z
        .enum(["user", "role"], { error: (iss) => expected('"user" or "role"', iss.input) })
        .default("user")
        .describe("what Vault's engine authenticates with: user, an IAM user's access key; role, no key, the role Vault runs as"),
      // IAM role and user names share a character set.
      roleName: IAM_USER_NAME.optional().describe("the existing IAM role Vault runs as, in the broker's account; set with identity: user, it prepares the switch"),
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
    }).superRefine(checkBrokerIdentity),
    deployment: strict({
        roleName: IAM_USER_NAME.default("OrganizationAccountAccessRole"),
        region: REGION.default("us-east-1"),
      })
      .prefault({}),
    state: strict({
      s3: strict({
        bucket: pattern(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name (lowercase letters, digits, '.', '-'; 3 to 63 characters)"),
        region: REGION,
        // Terraform's S3 backend refuses keys with a leading or trailing "/" or with "//".
        keyPrefix: pattern(/^[\w!.*'()-]+(?:\/[\w!.*'()-]+)*$/, "an S3 key prefix: segments of letters, digits and ! - _ . * ' ( ) joined by single '/'", 900).default("vault-aws-multi-account"),
        roleArn: pattern(/^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]+$/, "an IAM role ARN").optional(),
        kmsKeyId: z.string().min(1).optional(),
        profile: z.string({ error: (iss) => expected("the name of an AWS profile for the state bucket", iss.input) }).min(1, { error: "must not be empty" }).optional(),
        // Named so that it gets its own message rather than "unknown key".
        dynamodbTable: z
          .unknown()
          .refine((value) => value === undefined, {
            error: "is not used: every stack locks its state with S3's own lock file (use_lockfile, Terraform 1.11+), which replaces the DynamoDB lock table; remove dynamodbTable (the table can be deleted once no older Terraform uses it)",
          })
          .optional(),
      }).optional(),
    }).prefault({}),
    accounts: z.array(account, { error: "is required: list at least one account" }).min(1, {
      error: "is empty: list at least one account",
    }),
    // IAM path of every managed role, e.g. /vault-aws/: one ARN pattern then covers them all (guardrails).
    iamPath: pattern(/^\/(?:[A-Za-z0-9_+=,.@-]+\/)*$/, "an IAM path such as /vault-aws/: segments of letters, digits and _+=,.@- between slashes, starting and ending with /", 512).default("/"),
    // A service control policy that protects the broker and the managed roles; see README, "Guardrails".
    guardrails: strict({
      // Principals besides the deployment roles that may still change the broker and the roles (ARN patterns).
      exemptPrincipalArns: z.array(pattern(/^arn:aws(?:-cn|-us-gov)?:(?:iam|sts)::(?:\d{12}|\*):[\w+=,.@/*-]+$/, "an IAM principal ARN or ARN pattern such as arn:aws:iam::*:role/break-glass")).default([]),
      // Where the organization stack creates and attaches the policy; without it, vault-aws guardrails only prints it.
      organization: strict({
        managementAccountId: ACCOUNT_ID,
        // The roots (r-…) and OUs (ou-…) the policy is attached to.
        targets: z.array(pattern(/^(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/, "a root id such as r-a1b2, an OU id such as ou-a1b2-c3d4e5f6, or an account id")).min(1, { error: "needs at least one root or OU to attach to" }),
        roleName: IAM_USER_NAME.optional(),
      }).optional(),
    }).optional(),
    // The permissions boundary of every role that does not name its own.
    permissionsBoundary: PERMISSIONS_BOUNDARY.optional(),
    // Named lists of roles that accounts take with roleSets: [...], each role as under accounts[].roles.
    roleSets: z
      .record(ROLE_SET_NAME, z.array(role, { error: (iss) => expected("a list of roles", iss.input) }).min(1, { error: "is empty: list at least one role" }), {
        error: (iss) =>
          iss.code === "invalid_key"
            ? `${show(iss.input)} is not allowed as a role set name: use lowercase letters, digits, '_' and inner '-'`
            : expected("a mapping of role set names to lists of roles", iss.input),
      })
      .default({}),
    vaultRoles: z.array(vaultRole).default([]),
    // An AWS managed policy name the shipped snapshot does not know: an error (a typo fails only at
    // apply otherwise), or a warning for policies newer than the snapshot.
    unknownManagedPolicies: z.enum(["error", "warn"], { error: (iss) => expected('"error" or "warn"', iss.input) }).default("error"),
    // Optional here so that a config without it gets one message listing the names it uses
    // (see checkReferences), rather than a bare "required".
    requesters: z
      .record(REQUESTER, requester, {
        error: (iss) =>
          iss.code === "invalid_key"
            ? `${show(iss.input)} is not allowed: use lowercase letters, digits, '_' and inner '-'`
            : expected("a mapping of requester names to { description, groups }", iss.input),
      })
      .optional(),
  })
  .superRefine(checkReferences);

/** `accounts.yaml` as written, validated: role sets and selectors not yet expanded. */
export type WrittenConfig = z.output<typeof writtenSchema>;

/**
 * Expands role sets into each account's roles and target selectors into `"<account>/<role>"`
 * keys, so that everything downstream sees the config as if written out in full: the same config
 * written either way synthesizes the same bytes.
 */
function expandRoleSets(config: WrittenConfig): WrittenConfig {
  const accounts = config.accounts.map((account, a) => ({ ...account, roles: sourcedRoles(config.roleSets, account, a).map((s) => s.role) }));
  const vaultRoles = config.vaultRoles.map((vaultRole) => ({
    ...vaultRole,
    // Overlapping selectors name a role once, where it first appears.
    targets: [...new Set(vaultRole.targets.flatMap((target) => expandTarget(target, accounts)))],
  }));
  return { ...config, accounts, vaultRoles };
}

/** The accounts file's schema: validation, then the expansion of role sets and selectors. */
export const configSchema = writtenSchema.transform(expandRoleSets);

/** `accounts.yaml` after validation, with every default applied and every duration in seconds. */
export type AccountsConfig = z.output<typeof configSchema>;
export type AccountConfig = AccountsConfig["accounts"][number];
export type RoleConfig = AccountConfig["roles"][number];
export type VaultRoleConfig = AccountsConfig["vaultRoles"][number];
export type RequesterConfig = NonNullable<AccountsConfig["requesters"]>[string];
