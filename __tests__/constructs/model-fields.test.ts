import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as ts from "typescript";

/**
 * A field added to a model type must reach Terraform or fail to compile (issue 20, item 4). This
 * compiles the stacks with each model type given one new field, by module augmentation, and expects
 * the construct that serves the type to reject it, naming the field.
 */
const ROOT = resolve(__dirname, "..", "..");
const STACKS = ["stacks/account-stack.ts", "stacks/vault-roles-stack.ts", "stacks/vault-stack.ts"].map((f) => join(ROOT, f));

/** Each model type, the optional field added to it, and the file that must then fail to compile. */
const CASES = [
  { model: "RoleModel", file: "lib/constructs/assumable-role.ts" },
  { model: "VaultRoleModel", file: "lib/constructs/vault-sts-role.ts" },
  { model: "BrokerUserModel", file: "lib/constructs/broker-identity.ts" },
  { model: "BrokerRoleModel", file: "lib/constructs/broker-role-policies.ts" },
  { model: "VaultModel", file: "lib/constructs/vault-aws-engine.ts" },
].map((c) => ({ ...c, field: `addedTo${c.model}` }));

let previous: ts.Program | undefined;

function compile(extraSource?: string): ts.Diagnostic[] {
  const { config } = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  const roots = [...STACKS];
  if (extraSource !== undefined) {
    const file = join(mkdtempSync(join(tmpdir(), "vama-fields-")), "augment.ts");
    writeFileSync(file, extraSource);
    roots.push(file);
  }
  // The augmentation lives outside the project: no rootDir. The second program reuses the first's files.
  const program = ts.createProgram(roots, { ...options, rootDir: undefined, noEmit: true }, undefined, previous);
  previous = program;
  return [...ts.getPreEmitDiagnostics(program)];
}

function describeDiagnostic(d: ts.Diagnostic): { file: string; message: string } {
  return { file: d.file ? d.file.fileName.slice(ROOT.length + 1) : "", message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
}

describe("a field added to the model reaches a construct or fails to compile", () => {
  test("the stacks compile as they are", () => {
    expect(compile().map(describeDiagnostic)).toEqual([]);
  });

  const model = JSON.stringify(join(ROOT, "lib", "model"));
  const settings = JSON.stringify(join(ROOT, "lib", "policy", "vault-role"));
  const augmented = compile(
    [
      "export {};",
      `declare module ${model} {`,
      ...CASES.map((c) => `  interface ${c.model} { readonly ${c.field}?: string }`),
      "}",
      `declare module ${settings} { interface StsRoleSettings { readonly addedToStsRoleSettings?: string } }`,
    ].join("\n"),
  ).map(describeDiagnostic);

  test.each(CASES)("$model: $file rejects the new field until it takes it", ({ file, field }) => {
    expect(augmented.filter((d) => d.file === file && d.message.includes(field))).not.toEqual([]);
  });

  test("StsRoleSettings, which VaultRoleModel extends: stsRoleBody and VaultStsRole both reject it", () => {
    const files = augmented.filter((d) => d.message.includes("addedToStsRoleSettings")).map((d) => d.file);
    expect(new Set(files)).toEqual(new Set(["lib/policy/vault-role.ts", "lib/constructs/vault-sts-role.ts"]));
  });

  test("nothing else breaks: every error names an added field", () => {
    expect(augmented.filter((d) => !/addedTo\w+/.test(d.message))).toEqual([]);
  });
});
