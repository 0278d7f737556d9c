import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

/**
 * The README is the newcomer's path and the rest lives in docs/ (issue 20, item 7): the README
 * stays short, and every link in it and in docs/ reaches a file and a heading that exist.
 */
const ROOT = join(__dirname, "..");
const FILES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replace(/ /g, "-");
}

function withoutCode(text: string): string {
  return text.replace(/```[\s\S]*?```/g, "");
}

function anchorsOf(file: string): Set<string> {
  return new Set([...withoutCode(readFileSync(join(ROOT, file), "utf8")).matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1])));
}

describe("README and docs/", () => {
  test("the README is under 300 lines", () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8").split("\n").length).toBeLessThan(300);
  });

  test("every relative link reaches a file, and a heading where it names one", () => {
    const broken: string[] = [];
    for (const file of FILES) {
      for (const [, target] of withoutCode(readFileSync(join(ROOT, file), "utf8")).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:/.test(target)) continue;
        const [path, anchor] = target.split("#");
        const resolved = path === "" ? file : normalize(join(dirname(file), path));
        if (!existsSync(join(ROOT, resolved))) broken.push(`${file}: ${target} (no such file)`);
        else if (anchor && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor))
          broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  test("the deployer policy in docs/deploying.md is the file the e2e test applies", () => {
    const policy = readFileSync(join(ROOT, "docs", "vault-deployer-policy.hcl"), "utf8").trimEnd();
    const indented = policy
      .split("\n")
      .map((line) => (line === "" ? "" : `   ${line}`))
      .join("\n");
    expect(readFileSync(join(ROOT, "docs", "deploying.md"), "utf8")).toContain(`   \`\`\`hcl\n${indented}\n   \`\`\``);
  });
});
