// The CI files under ci/: GitHub workflows through GitHub's own parser, the GitLab file's
// structure, every `vault-aws` command they run against the real command line, and the shell
// steps whose logic matters (the shard matrix, drift's exit code) run against a stand-in CLI.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { parse } from "yaml";
import { buildProgram } from "../../cli/program";

const ROOT = join(__dirname, "..", "..");
const GITHUB_DIR = join(ROOT, "ci", "github");
const GITLAB_FILE = join(ROOT, "ci", "gitlab", ".gitlab-ci.yml");

const githubNames = readdirSync(GITHUB_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const githubText = Object.fromEntries(githubNames.map((name) => [name, readFileSync(join(GITHUB_DIR, name), "utf8")]));
const github: Record<string, any> = Object.fromEntries(githubNames.map((name) => [name, parse(githubText[name])]));
const gitlabText = readFileSync(GITLAB_FILE, "utf8");
const gitlab: Record<string, any> = parse(gitlabText);

/**
 * Errors @actions/workflow-parser reports for each workflow, by file name. The package is ESM
 * only, which ts-jest here cannot import, so test-support/parse-workflows.mjs runs it in node.
 */
function workflowErrors(files: { name: string; content: string }[]): Record<string, string[]> {
  const out = execFileSync(process.execPath, [join(ROOT, "test-support", "parse-workflows.mjs")], {
    cwd: ROOT,
    input: JSON.stringify(files),
    encoding: "utf8",
  });
  return JSON.parse(out);
}

// ---- the shell the pipelines run -------------------------------------------------------------

/** Top-level keys of a GitLab file that are settings, not jobs. */
const GITLAB_KEYWORDS = new Set([
  "workflow",
  "stages",
  "variables",
  "default",
  "include",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
]);

/** A GitLab job with its `extends` merged in (hashes deeply, everything else replaced), as GitLab does. */
function resolvedJob(file: Record<string, any>, name: string): Record<string, any> {
  const job = file[name];
  if (!job) throw new Error(`no job ${name}`);
  const parents = [job.extends ?? []].flat().map((parent: string) => resolvedJob(file, parent));
  const merge = (a: any, b: any): any =>
    a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)
      ? Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in b ? merge(a[k], b[k]) : a[k]]))
      : b;
  const { extends: _, ...own } = job;
  return [...parents, own].reduce(merge, {});
}

function gitlabJobs(file: Record<string, any>): string[] {
  return Object.keys(file).filter((key) => !key.startsWith(".") && !GITLAB_KEYWORDS.has(key));
}

/** One `run:` or `script:` block, and where it is. */
interface Shell {
  readonly where: string;
  readonly text: string;
}

function githubShell(name: string, workflow: any): Shell[] {
  return Object.entries<any>(workflow.jobs).flatMap(([id, job]) =>
    (job.steps ?? [])
      .filter((step: any) => typeof step.run === "string")
      .map((step: any) => ({ where: `${name} ${id} "${step.name ?? step.run.split("\n")[0]}"`, text: step.run })),
  );
}

function gitlabShell(file: Record<string, any>): Shell[] {
  // Hidden templates too: what they hold runs in every job that extends them.
  return Object.entries<any>(file)
    .filter(([key, job]) => !GITLAB_KEYWORDS.has(key) && job && typeof job === "object")
    .flatMap(([key, job]) =>
      ["before_script", "script", "after_script"].flatMap((part) =>
        [job[part] ?? []].flat(Infinity).map((text: string) => ({ where: `.gitlab-ci.yml ${key} ${part}`, text })),
      ),
    );
}

const allShell: Shell[] = [...githubNames.flatMap((name) => githubShell(name, github[name])), ...gitlabShell(gitlab)];

/** One `vault-aws` command in a shell block: its subcommand and the `--flags` given. */
interface Invocation {
  readonly where: string;
  readonly text: string;
  readonly subcommand: string;
  readonly flags: string[];
}

/**
 * Every `node bin/vault-aws.js <sub> ...` and `npm run vault-aws -- <sub> ...` in shell text,
 * up to the end of the command (a line end not continued by `\`, or `;`, `&&`, `|`, `>`, `)`).
 */
function vaultAwsInvocations(where: string, text: string): Invocation[] {
  const joined = text.replace(/\\\n/g, " ");
  const pattern = /(?:node\s+(?:\.\/)?bin\/vault-aws\.js|npm\s+run\s+vault-aws\s+--)\s+([a-z][\w-]*)([^\n;&|<>()]*)/g;
  return [...joined.matchAll(pattern)].map((m) => ({
    where,
    text: m[0].trim(),
    subcommand: m[1],
    flags: (m[2].match(/(?:^|\s)--[\w-]+/g) ?? []).map((flag) => flag.trim()),
  }));
}

/** What is wrong with an invocation, checked against the command line's own definition. */
function invocationProblems(program: Command, invocation: Invocation): string[] {
  const command = program.commands.find((c) => c.name() === invocation.subcommand);
  if (!command) return [`${invocation.where}: vault-aws has no subcommand ${invocation.subcommand} (${invocation.text})`];
  const known = new Set([...command.options.map((o) => o.long), "--help"]);
  const unknown = invocation.flags
    .filter((flag) => !known.has(flag))
    .map((flag) => `${invocation.where}: vault-aws ${invocation.subcommand} has no option ${flag} (${invocation.text})`);
  const missing = command.options
    .filter((o) => o.mandatory && !invocation.flags.includes(o.long!))
    .map((o) => `${invocation.where}: vault-aws ${invocation.subcommand} needs ${o.long} (${invocation.text})`);
  return [...unknown, ...missing];
}

// ---- GitHub ------------------------------------------------------------------------------------

describe("GitHub workflows", () => {
  let errors: Record<string, string[]>;
  beforeAll(() => {
    errors = workflowErrors(githubNames.map((name) => ({ name, content: githubText[name] })));
  });

  test("there are the three workflows", () => {
    expect(githubNames).toEqual(["vault-aws-drift.yml", "vault-aws-main.yml", "vault-aws-pr.yml"]);
  });

  test.each(githubNames)("%s: @actions/workflow-parser reports no error", (name) => {
    expect(errors[name]).toEqual([]);
  });

  test("the parser check fails on a broken workflow", () => {
    const broken = `on: push
jobs:
  no-runner:
    steps:
      - run: echo
  typo:
    runs-on: ubuntu-latest
    permisions: { id-token: write }
    needs: [nope]
    steps:
      - run: echo "\${{ neds.x.outputs.y }}"
`;
    const result = workflowErrors([{ name: "broken.yml", content: broken }])["broken.yml"];
    expect(result).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Required property is missing: runs-on"),
        expect.stringContaining("Unexpected value 'permisions'"),
        expect.stringContaining("Unrecognized named-value: 'neds'"),
      ]),
    );
    // Also the converter's checks, which run only when the schema check passes by default.
    const unknownNeed =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [nope]\n    steps:\n      - run: echo\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n";
    expect(workflowErrors([{ name: "need.yml", content: unknownNeed }])["need.yml"]).toEqual([
      expect.stringContaining("depends on unknown job 'nope'"),
    ]);
  });

  test.each(githubNames)("%s: every action is pinned to a full commit SHA, its version in a comment", (name) => {
    const uses = Object.values<any>(github[name].jobs).flatMap((job) => (job.steps ?? []).map((s: any) => s.uses).filter(Boolean));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    const lines = githubText[name].split("\n").filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(lines).toHaveLength(uses.length);
    for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test("one action, one commit: the same action is pinned to the same SHA in every workflow", () => {
    const pins = new Map<string, Set<string>>();
    for (const text of Object.values(githubText)) {
      for (const [, action, sha] of text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40})/g))
        pins.set(action, new Set([...(pins.get(action) ?? []), sha]));
    }
    for (const [action, shas] of pins) expect([action, shas.size]).toEqual([action, 1]);
  });

  test.each(githubNames)("%s: jobs with an ID token install without running install scripts", (name) => {
    for (const [id, job] of Object.entries<any>(github[name].jobs)) {
      const installs = (job.steps ?? []).filter((s: any) => /npm (ci|install)/.test(s.run ?? ""));
      if ((job.permissions ?? github[name].permissions)?.["id-token"] !== "write") continue;
      expect(installs.length).toBeGreaterThan(0);
      for (const step of installs) expect([id, step.run]).toEqual([id, "npm ci --ignore-scripts --no-audit --no-fund"]);
    }
  });

  test.each(githubNames)("%s: cloud access only through OIDC, and only in jobs allowed an ID token", (name) => {
    const workflow = github[name];
    expect(githubText[name]).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|VAULT_TOKEN:/);
    for (const [id, job] of Object.entries<any>(workflow.jobs)) {
      const steps: any[] = job.steps ?? [];
      const aws = steps.filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      const vault = steps.filter((s) => s.uses?.startsWith("hashicorp/vault-action@"));
      if (aws.length + vault.length === 0) continue;
      expect([id, (job.permissions ?? workflow.permissions)?.["id-token"]]).toEqual([id, "write"]);
      for (const step of aws) expect(step.with["role-to-assume"]).toMatch(/^\$\{\{ vars\.VAULT_AWS_(PLAN|APPLY)_ROLE_ARN \}\}$/);
      for (const step of vault) {
        expect(step.with).toEqual({
          url: "${{ vars.VAULT_ADDR }}",
          method: "jwt",
          path: "${{ vars.VAULT_JWT_MOUNT || 'jwt' }}",
          role: expect.stringMatching(/^vault-aws-(plan|apply)$/),
          jwtGithubAudience: "vault-aws",
          exportToken: true,
        });
      }
      // vault-action exports only VAULT_TOKEN; the Vault provider also needs the address.
      if (vault.length > 0) expect(job.env?.VAULT_ADDR ?? workflow.env?.VAULT_ADDR).toBe("${{ vars.VAULT_ADDR }}");
    }
  });

  test.each(githubNames)("%s: a job reads needs.<job> only of jobs it needs", (name) => {
    for (const [id, job] of Object.entries<any>(github[name].jobs)) {
      const needs = [job.needs ?? []].flat();
      const read = [...JSON.stringify(job).matchAll(/needs\.([\w-]+)\./g)].map((m) => m[1]);
      expect([id, [...new Set(read)].filter((j) => !needs.includes(j))]).toEqual([id, []]);
    }
  });

  test("each job's identity: pull requests and drift plan read-only; only the production environment applies", () => {
    const identity = (job: any) => {
      const aws = (job.steps ?? []).find((s: any) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      const vault = (job.steps ?? []).find((s: any) => s.uses?.startsWith("hashicorp/vault-action@"));
      return aws ? [aws.with["role-to-assume"], vault.with.role, job.environment ?? null] : null;
    };
    const plan = ["${{ vars.VAULT_AWS_PLAN_ROLE_ARN }}", "vault-aws-plan", null];
    const apply = ["${{ vars.VAULT_AWS_APPLY_ROLE_ARN }}", "vault-aws-apply", "production"];
    const all = Object.fromEntries(
      githubNames.flatMap((name) => Object.entries<any>(github[name].jobs).map(([id, job]) => [`${name} ${id}`, identity(job)])),
    );
    expect(all).toEqual({
      "vault-aws-drift.yml drift": plan,
      "vault-aws-main.yml changes": null,
      "vault-aws-main.yml plan": apply,
      "vault-aws-main.yml apply": apply,
      "vault-aws-pr.yml changes": null,
      "vault-aws-pr.yml plan": plan,
      "vault-aws-pr.yml comment": null,
    });
    expect(github["vault-aws-pr.yml"].jobs.plan.steps.find((s: any) => s.name === "Plan").run).toContain("plan --read-only ");
    expect(github["vault-aws-drift.yml"].jobs.drift.steps.find((s: any) => s.name === "Drift").run).toContain("drift --read-only ");
  });

  test("what each job uploads: a pull request's plan job only its summary and the plans' text, never a plan; main's plan job the plans apply downloads", () => {
    const uploads = (name: string) =>
      Object.fromEntries(
        Object.entries<any>(github[name].jobs).map(([id, job]) => [
          id,
          (job.steps ?? []).filter((s: any) => s.uses?.startsWith("actions/upload-artifact@")).map((s: any) => s.with.path),
        ]),
      );
    expect(uploads("vault-aws-pr.yml")).toEqual({ changes: [], plan: ["${{ env.OUT }}/summary.md\n${{ env.OUT }}/*.txt\n"], comment: [] });
    expect(uploads("vault-aws-main.yml")).toEqual({ changes: [], plan: ["${{ env.OUT }}\n!${{ env.OUT }}/**/.terraform/**\n"], apply: [] });
    expect(uploads("vault-aws-drift.yml")).toEqual({ drift: [] });
  });

  test("pull requests: full history, a matrix from changes, one comment", () => {
    const { jobs, on } = github["vault-aws-pr.yml"];
    expect(Object.keys(on)).toEqual(["pull_request"]);
    for (const id of ["changes", "plan"])
      expect(jobs[id].steps[0]).toEqual({ uses: expect.stringMatching(/^actions\/checkout@[0-9a-f]{40}$/), with: { "fetch-depth": 0 } });
    expect(jobs.changes.outputs).toEqual(
      expect.objectContaining({ changes: expect.any(String), shards: expect.any(String), total: expect.any(String) }),
    );
    expect(jobs.plan.strategy.matrix.shard).toBe("${{ fromJSON(needs.changes.outputs.shards) }}");
    const terraform = jobs.plan.steps.find((s: any) => s.uses?.startsWith("hashicorp/setup-terraform@"));
    expect(github["vault-aws-pr.yml"].env.TERRAFORM_VERSION).toMatch(/^1\.11\.\d+$/);
    expect(terraform.with.terraform_version).toBe("${{ env.TERRAFORM_VERSION }}");
    expect(jobs.comment.permissions).toEqual({ "pull-requests": "write" });
    expect(
      jobs.comment.steps.some(
        (s: any) =>
          s.uses?.startsWith("actions/github-script@") && /updateComment/.test(s.with.script) && /createComment/.test(s.with.script),
      ),
    ).toBe(true);
  });

  test("main: one run at a time, apply behind the production environment, of this run's plans", () => {
    const workflow = github["vault-aws-main.yml"];
    expect(workflow.on).toEqual({ push: { branches: ["main"] } });
    expect(workflow.concurrency).toEqual({ group: "vault-aws-apply", "cancel-in-progress": false });
    expect(workflow.env.BASE).toBe("${{ github.event.before }}");
    const { apply, plan } = workflow.jobs;
    expect(apply.environment).toBe("production");
    expect(apply.needs).toEqual(["changes", "plan"]);
    const uploaded = plan.steps.find((s: any) => s.uses?.startsWith("actions/upload-artifact@")).with.name;
    const download = apply.steps.find((s: any) => s.uses?.startsWith("actions/download-artifact@")).with;
    expect(uploaded).toBe("plan-shard-${{ matrix.shard }}");
    expect(download).toEqual({ pattern: "plan-shard-*", path: "plans" });
    expect(apply.steps.slice(-2).map((s: any) => s.run)).toEqual([
      "node bin/vault-aws.js apply --plans plans/* --parallelism 4",
      "node bin/vault-aws.js broker-key",
    ]);
  });

  test("drift: nightly and by hand", () => {
    const { on } = github["vault-aws-drift.yml"];
    expect(on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(on).toHaveProperty("workflow_dispatch");
  });
});

// ---- GitLab ------------------------------------------------------------------------------------

describe("GitLab pipeline", () => {
  const jobs = gitlabJobs(gitlab);

  test("has the jobs, and every job's stage is declared", () => {
    expect(jobs).toEqual(["changes", "plan-mr", "plan", "plan-summary", "apply", "drift"]);
    expect(gitlab.stages).toEqual(expect.any(Array));
    for (const name of jobs) {
      const { stage } = resolvedJob(gitlab, name);
      expect({ job: name, stage, declared: gitlab.stages.includes(stage) }).toEqual({ job: name, stage, declared: true });
    }
  });

  test("extends and needs name jobs that exist", () => {
    for (const [name, job] of Object.entries<any>(gitlab)) {
      for (const parent of [job?.extends ?? []].flat()) expect([name, parent in gitlab]).toEqual([name, true]);
      for (const need of [job?.needs ?? []].flat())
        expect([name, jobs.includes(typeof need === "string" ? need : need.job)]).toEqual([name, true]);
    }
  });

  test("a job and the jobs it needs run in the same pipelines", () => {
    // Evaluates the `if:` forms this file uses: $VAR, "string", ==, !=, &&, ||.
    const holds = (condition: string, vars: Record<string, string>) => {
      if (!/^(\s|\$\w+|"[^"]*"|==|!=|&&|\|\||\(|\))*$/.test(condition)) throw new Error(`cannot evaluate ${condition}`);
      const js = condition.replace(/\$(\w+)|"[^"]*"/g, (token, name) => (name ? JSON.stringify(vars[name] ?? null) : token));
      return Boolean(new Function(`return ${js.replace(/==/g, "===").replace(/!=/g, "!==")};`)());
    };
    const runs = (rules: any[] | undefined, vars: Record<string, string>) =>
      rules === undefined ? true : rules.some((rule) => (rule.if === undefined || holds(rule.if, vars)) && rule.when !== "never");
    const pipelines: Record<string, Record<string, string>> = {
      "merge request": { CI_PIPELINE_SOURCE: "merge_request_event", CI_DEFAULT_BRANCH: "main" },
      "push to main": { CI_PIPELINE_SOURCE: "push", CI_COMMIT_BRANCH: "main", CI_DEFAULT_BRANCH: "main" },
      "push to a branch": { CI_PIPELINE_SOURCE: "push", CI_COMMIT_BRANCH: "topic", CI_DEFAULT_BRANCH: "main" },
      schedule: { CI_PIPELINE_SOURCE: "schedule", CI_COMMIT_BRANCH: "main", CI_DEFAULT_BRANCH: "main" },
    };
    const expected: Record<string, string[]> = {
      "merge request": ["changes", "plan-mr", "plan-summary"],
      "push to main": ["changes", "plan", "apply"],
      "push to a branch": [],
      schedule: ["drift"],
    };
    for (const [pipeline, vars] of Object.entries(pipelines)) {
      const running = runs(gitlab.workflow.rules, vars) ? jobs.filter((name) => runs(resolvedJob(gitlab, name).rules, vars)) : [];
      expect([pipeline, running]).toEqual([pipeline, expected[pipeline]]);
      for (const name of running) {
        const needs = [resolvedJob(gitlab, name).needs ?? []].flat().map((n: any) => (typeof n === "string" ? n : n.job));
        expect([pipeline, name, needs.filter((n) => !running.includes(n))]).toEqual([pipeline, name, []]);
      }
    }
  });

  test("apply: manual, one at a time, in the production environment, of this pipeline's plans", () => {
    const apply = resolvedJob(gitlab, "apply");
    expect(apply.resource_group).toBe("vault-aws-apply");
    expect(apply.environment).toEqual({ name: "production" });
    expect(apply.rules).toEqual([expect.objectContaining({ when: "manual" })]);
    expect(apply.allow_failure).toBe(false);
    expect(apply.needs).toEqual(["changes", "plan"]);
    expect(apply.script.slice(-2)).toEqual([
      "node bin/vault-aws.js apply --plans plans/shard-* --parallelism 4",
      "node bin/vault-aws.js broker-key",
    ]);
  });

  test("plan: parallel shards from CI_NODE_INDEX, artifacts without .terraform", () => {
    const plan = resolvedJob(gitlab, "plan");
    expect(plan.parallel).toBe(Number(resolvedJob(gitlab, "changes").variables.PLAN_JOBS));
    expect(plan.script.join("\n")).toContain('--shard "$CI_NODE_INDEX/$VAULT_AWS_SHARDS"');
    expect(plan.artifacts.exclude).toEqual(["plans/**/.terraform/**"]);
    expect(gitlab.variables.TERRAFORM_VERSION).toBe(github["vault-aws-main.yml"].env.TERRAFORM_VERSION);
  });

  test("cloud access only through ID tokens", () => {
    expect(gitlabText).not.toMatch(/AWS_SECRET_ACCESS_KEY:|VAULT_TOKEN:/);
    for (const name of ["plan-mr", "plan", "apply", "drift"]) {
      const job = resolvedJob(gitlab, name);
      expect(job.id_tokens).toEqual({ AWS_ID_TOKEN: { aud: "sts.amazonaws.com" }, VAULT_ID_TOKEN: { aud: "vault-aws" } });
      const before = job.before_script.join("\n");
      expect(before).toContain('AWS_ROLE_ARN="$VAULT_AWS_ROLE_ARN"');
      expect(before).toContain('AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp)"'); // 0600, outside the project folder
      expect(before).toContain('vault write -field=token "auth/${VAULT_JWT_MOUNT:-jwt}/login" role="$VAULT_JWT_ROLE"');
      expect(before).toContain("npm ci --ignore-scripts --no-audit --no-fund");
    }
  });

  test("each job's identity: merge requests and drift plan read-only; the default branch's plan and apply as the apply identity", () => {
    const identity = (name: string) => {
      const job = resolvedJob(gitlab, name);
      return [job.variables.VAULT_AWS_ROLE_ARN, job.variables.VAULT_JWT_ROLE];
    };
    expect(Object.fromEntries(["plan-mr", "drift", "plan", "apply"].map((name) => [name, identity(name)]))).toEqual({
      "plan-mr": ["$VAULT_AWS_PLAN_ROLE_ARN", "vault-aws-plan"],
      drift: ["$VAULT_AWS_PLAN_ROLE_ARN", "vault-aws-plan"],
      plan: ["$VAULT_AWS_APPLY_ROLE_ARN", "vault-aws-apply"],
      apply: ["$VAULT_AWS_APPLY_ROLE_ARN", "vault-aws-apply"],
    });
    expect(resolvedJob(gitlab, "plan-mr").rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(resolvedJob(gitlab, "plan").rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(resolvedJob(gitlab, "plan-mr").script.join("\n")).toContain("plan --read-only ");
    expect(resolvedJob(gitlab, "drift").script.join("\n")).toContain("drift --read-only ");
  });

  test("what each job uploads: a merge request's plans only their summaries and text, never a plan; the default branch's the plans apply applies", () => {
    expect(resolvedJob(gitlab, "plan-mr").artifacts).toEqual({
      paths: ["plans/shard-*/summary.md", "plans/shard-*/*.txt"],
      expire_in: "1 week",
    });
    expect(resolvedJob(gitlab, "plan").artifacts.paths).toEqual(["plans/"]);
    expect(resolvedJob(gitlab, "plan-summary").needs).toEqual(["changes", "plan-mr"]);
  });

  test("every download is checked against a pinned SHA-256 before it is used", () => {
    const tools = gitlab[".snippets"].tools as string;
    const downloads = [...tools.matchAll(/curl -fsSLo (\S+)/g)].map((m) => m[1]);
    expect(downloads).toEqual(["/tmp/tf.zip", "/tmp/vault.zip"]);
    for (const [file, pin] of [
      ["/tmp/tf.zip", "TERRAFORM_SHA256"],
      ["/tmp/vault.zip", "VAULT_CLI_SHA256"],
    ]) {
      const check = tools.indexOf(`checked ${file} "$${pin}" ${pin}`);
      expect([file, check > tools.indexOf(`-fsSLo ${file}`), check < tools.indexOf(file, check + 1 + file.length)]).toEqual([
        file,
        true,
        true,
      ]);
      expect([pin, gitlab.variables[pin]]).toEqual([pin, expect.stringMatching(/^[0-9a-f]{64}$/)]); // pinned in the file, not left to the user
    }
    // The AWS login needs no aws CLI (the SDKs read the web-identity variables), so none is downloaded or run.
    expect(gitlabText).not.toMatch(/awscli|\baws (sts|s3|s3api|iam) /);
  });
});

// ---- the vault-aws commands --------------------------------------------------------------------

describe("vault-aws commands in the pipelines", () => {
  const program = buildProgram();
  const invocations = allShell.flatMap((shell) => vaultAwsInvocations(shell.where, shell.text));

  test("each platform runs changes, plan, apply and drift", () => {
    const on = (prefix: string) => new Set(invocations.filter((i) => i.where.startsWith(prefix)).map((i) => i.subcommand));
    expect([...on("vault-aws-")].sort()).toEqual(["apply", "broker-key", "changes", "drift", "plan"]);
    expect([...on(".gitlab-ci.yml")].sort()).toEqual(["apply", "broker-key", "changes", "drift", "plan"]);
  });

  test("every subcommand and --flag exists, and every required option is given", () => {
    expect(invocations.length).toBeGreaterThanOrEqual(10);
    expect(invocations.flatMap((i) => invocationProblems(program, i))).toEqual([]);
  });

  test("the check fails on a made-up flag, a missing required option and an unknown subcommand", () => {
    const shell =
      'node bin/vault-aws.js plan --base "$BASE" \\\n  --shards 4 > out.txt\nnpm run vault-aws -- deploy --all && node bin/vault-aws.js drift --json';
    const found = vaultAwsInvocations("example", shell);
    expect(found.map((i) => [i.subcommand, i.flags])).toEqual([
      ["plan", ["--base", "--shards"]],
      ["deploy", ["--all"]],
      ["drift", ["--json"]],
    ]);
    expect(found.flatMap((i) => invocationProblems(program, i))).toEqual([
      'example: vault-aws plan has no option --shards (node bin/vault-aws.js plan --base "$BASE"    --shards 4)',
      'example: vault-aws plan needs --out (node bin/vault-aws.js plan --base "$BASE"    --shards 4)',
      "example: vault-aws has no subcommand deploy (npm run vault-aws -- deploy --all)",
    ]);
  });

  test("the CLI is never run through npx (it does not resolve the package's own bin) or npm without --", () => {
    for (const shell of allShell) {
      expect([shell.where, /npx\s+vault-aws/.test(shell.text)]).toEqual([shell.where, false]);
      expect([shell.where, /npm\s+run\s+vault-aws(?!\s+--\s)/.test(shell.text)]).toEqual([shell.where, false]);
    }
  });

  test("every shell block parses (bash -n)", () => {
    for (const shell of allShell) {
      const check = spawnSync("bash", ["-n"], { input: shell.text, encoding: "utf8" });
      expect([shell.where, check.stderr]).toEqual([shell.where, ""]);
    }
  });
});

// ---- shell steps run against a stand-in vault-aws ----------------------------------------------

/**
 * A folder with a `bin/vault-aws.js` that prints FAKE_STDOUT, exits with FAKE_EXIT and records
 * its arguments in args.txt, for running a pipeline's shell where the real CLI would need clouds.
 */
function fakeCli(): string {
  const dir = mkdtempSync(join(tmpdir(), "vama-ci-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(
    join(dir, "bin", "vault-aws.js"),
    'require("node:fs").appendFileSync("args.txt", process.argv.slice(2).join(" ") + "\\n");\nprocess.stdout.write(process.env.FAKE_STDOUT ?? "");\nprocess.exitCode = Number(process.env.FAKE_EXIT ?? 0);\n',
  );
  return dir;
}

/** Runs shell as GitHub runs a `run:` step (bash -e) or GitLab a job's script (bash -eo pipefail). */
function runShell(dir: string, text: string, flags: string[], env: Record<string, string>) {
  return spawnSync("bash", [...flags, "-c", text], { cwd: dir, env: { PATH: process.env.PATH!, HOME: dir, ...env }, encoding: "utf8" });
}

const hasJq = spawnSync("jq", ["--version"]).status === 0;
const changesJson = (stacks: number) =>
  JSON.stringify({
    create: [],
    update: Array.from({ length: stacks }, (_, i) => `aws-a${i}`),
    destroy: [],
    unchanged: 3,
    waves: [],
    access: { granted: [{ requester: "r", vaultRole: "v", roleArn: "arn" }], revoked: [] },
  });

describe("pipeline shell against a stand-in vault-aws", () => {
  (hasJq ? test.each : test.skip.each)([
    [0, 1, [1]],
    [1, 1, [1]],
    [50, 1, [1]],
    [120, 3, [1, 2, 3]],
    [5000, 20, Array.from({ length: 20 }, (_, i) => i + 1)],
  ])("GitHub: %i changed stacks make %i plan jobs", (stacks, total, shards) => {
    for (const name of ["vault-aws-pr.yml", "vault-aws-main.yml"]) {
      const workflow = github[name];
      const step = workflow.jobs.changes.steps.find((s: any) => s.id === "changes");
      const dir = fakeCli();
      const out = join(dir, "github-output");
      const run = runShell(dir, step.run, ["-e"], {
        ...workflow.env,
        BASE: "origin/main",
        GITHUB_OUTPUT: out,
        FAKE_STDOUT: changesJson(stacks),
      });
      expect(run.status).toBe(0);
      const outputs = Object.fromEntries(
        readFileSync(out, "utf8")
          .trim()
          .split("\n")
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      expect({ stacks: Number(outputs.stacks), total: Number(outputs.total), shards: JSON.parse(outputs.shards) }).toEqual({
        stacks,
        total,
        shards,
      });
      expect(JSON.parse(outputs.changes).access).toEqual({ granted: 1, revoked: 0 });
      expect(readFileSync(join(dir, "args.txt"), "utf8")).toBe("changes --base-ref origin/main --json\n");
    }
  });

  test.each([
    [0, 0],
    [120, 3],
    [5000, 20],
  ])("GitLab: %i changed stacks make %i plan jobs", (stacks, shards) => {
    const job = resolvedJob(gitlab, "changes");
    const dir = fakeCli();
    const run = runShell(dir, job.script.join("\n"), ["-eo", "pipefail"], {
      ...gitlab.variables,
      ...job.variables,
      CI_COMMIT_BEFORE_SHA: "abc123",
      FAKE_STDOUT: changesJson(stacks),
    });
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, "shards.env"), "utf8")).toBe(`VAULT_AWS_STACKS=${stacks}\nVAULT_AWS_SHARDS=${shards}\n`);
    expect(readFileSync(join(dir, "args.txt"), "utf8")).toBe("changes --base-ref abc123 --json\n");
  });

  test("GitLab's checksum gate runs a download only with its pinned hash: a wrong or missing pin stops the job", () => {
    const tools = gitlab[".snippets"].tools as string;
    const checked = /^checked\(\) \{[\s\S]*?^\}$/m.exec(tools)?.[0];
    expect(checked).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), "vama-ci-"));
    writeFileSync(join(dir, "tool.zip"), "the download");
    const sha = createHash("sha256").update("the download").digest("hex");
    const gate = (pin: string) => runShell(dir, `${checked}\nchecked tool.zip "${pin}" TOOL_SHA256 && echo used`, ["-eo", "pipefail"], {});
    expect([gate(sha).status, gate(sha).stdout]).toEqual([0, "used\n"]);
    const wrong = gate(sha.replace(/^./, (c) => (c === "0" ? "1" : "0")));
    expect([wrong.status, wrong.stdout, wrong.stderr]).toEqual([1, "", "tool.zip does not match TOOL_SHA256: refusing to use it\n"]);
    const unpinned = gate("");
    expect([unpinned.status, unpinned.stdout]).toEqual([1, ""]);
    expect(unpinned.stderr).toContain("TOOL_SHA256 is not pinned");
  });

  test("GitLab's AWS login: the ID token in a 0600 file outside the project, named with the job's role by the SDKs' variables", () => {
    const dir = mkdtempSync(join(tmpdir(), "vama-ci-"));
    const login = gitlab[".snippets"].aws_login as string;
    const run = runShell(
      dir,
      `${login}\nprintf '%s\\n' "$AWS_ROLE_ARN" "$AWS_ROLE_SESSION_NAME" "$AWS_WEB_IDENTITY_TOKEN_FILE" "$(stat -c %a "$AWS_WEB_IDENTITY_TOKEN_FILE")" "$(cat "$AWS_WEB_IDENTITY_TOKEN_FILE")"\nbash -c 'test -n "$AWS_ROLE_ARN"' && echo exported`,
      ["-eo", "pipefail"],
      {
        AWS_ID_TOKEN: "header.payload.signature",
        VAULT_AWS_ROLE_ARN: "arn:aws:iam::111111111111:role/vault-aws-pipeline-plan",
        CI_PROJECT_ID: "7",
        CI_JOB_ID: "42",
      },
    );
    expect(run.stderr).toBe("");
    const [roleArn, sessionName, tokenFile, mode, token, exported] = run.stdout.trimEnd().split("\n");
    expect([roleArn, sessionName, mode, token, exported]).toEqual([
      "arn:aws:iam::111111111111:role/vault-aws-pipeline-plan",
      "gitlab-7-42",
      "600",
      "header.payload.signature",
      "exported",
    ]);
    expect(tokenFile.startsWith(dir)).toBe(false);
  });

  const drifted = JSON.stringify({
    drifted: [{ stack: "aws-dev", resources: [{ address: "aws_iam_role.x", actions: ["update"] }] }],
    failed: [],
    skipped: ["vault"],
    inSync: 3,
  });
  const inSync = JSON.stringify({ drifted: [], failed: [], skipped: [], inSync: 4 });

  (hasJq ? test.each : test.skip.each)([
    ["drift", 2, drifted, 2],
    ["no drift", 0, inSync, 0],
    ["a failed run", 1, "", 1],
  ])("GitHub drift: %s ends the step with the CLI's exit code and a job summary", (_, code, stdout, expected) => {
    const step = github["vault-aws-drift.yml"].jobs.drift.steps.find((s: any) => s.name === "Drift");
    const dir = fakeCli();
    const summary = join(dir, "summary.md");
    const run = runShell(dir, step.run, ["-e"], {
      SHARD: "2/4",
      GITHUB_STEP_SUMMARY: summary,
      FAKE_STDOUT: stdout,
      FAKE_EXIT: String(code),
    });
    expect(run.status).toBe(expected);
    expect(readFileSync(join(dir, "args.txt"), "utf8")).toBe("drift --read-only --json --shard 2/4 --parallelism 4\n");
    const text = readFileSync(summary, "utf8");
    expect(text).toContain("## vault-aws drift, shard 2/4");
    if (code === 2) {
      expect(run.stdout).toContain("::error title=Drift::");
      expect(text).toContain("3 in sync, 1 drifted, 0 failed to plan, 1 skipped.");
      expect(text).toContain("### aws-dev\n\n- `update` aws_iam_role.x");
    }
    if (code === 1) expect(text).toContain("vault-aws drift exited 1 without a result");
  });

  test.each([
    ["drift", 2, drifted, 2],
    ["no drift", 0, inSync, 0],
  ])("GitLab drift: %s ends the job with the CLI's exit code, the drift listed", (_, code, stdout, expected) => {
    const job = resolvedJob(gitlab, "drift");
    const dir = fakeCli();
    const run = runShell(dir, job.script.join("\n"), ["-eo", "pipefail"], {
      CI_NODE_INDEX: "2",
      CI_NODE_TOTAL: "4",
      FAKE_STDOUT: stdout,
      FAKE_EXIT: String(code),
    });
    expect(run.status).toBe(expected);
    expect(readFileSync(join(dir, "args.txt"), "utf8")).toBe("drift --read-only --json --shard 2/4 --parallelism 4\n");
    if (code === 2)
      expect(readFileSync(join(dir, "drift.txt"), "utf8")).toBe(
        "3 in sync, 1 drifted, 0 failed to plan, 1 skipped.\naws-dev:\n  update aws_iam_role.x\n",
      );
  });
});
