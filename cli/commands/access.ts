import { writeFileSync } from "node:fs";
import { loadConfig } from "../../lib/config/load";
import { buildModel } from "../../lib/model";
import { jsonText } from "../../lib/output-text";
import { accessReport } from "../../report/access-report";
import { type AccessFilter, filterReport } from "../../report/filter";
import { accessJson } from "../../report/json";
import { accessMarkdown } from "../../report/markdown";
import { accessTerminal } from "../../report/terminal";
import type { CommandHandler } from "../context";

/** The formats of `vault-aws access`. */
export const ACCESS_FORMATS = ["terminal", "json", "markdown", "html"] as const;

/** Options of `vault-aws access`, as the command line parsed them. */
export interface AccessCommandOptions {
  readonly configFile: string;
  readonly format: (typeof ACCESS_FORMATS)[number];
  readonly by: "requester" | "account";
  readonly filter: AccessFilter;
  /** @default - stdout */
  readonly out?: string;
  /** Colour the terminal format. */
  readonly color: boolean;
}

/**
 * `vault-aws access`: builds the report from the config, as synth builds the stacks, and writes it
 * in one format: to stdout, or to `--out` with a note of what it wrote.
 */
export const accessCommand: CommandHandler<AccessCommandOptions> = async (options, io) => {
  const report = filterReport(accessReport(buildModel(loadConfig(options.configFile))), options.filter);
  const text = await render(report, options);
  if (options.out === undefined) {
    io.write(text);
  } else {
    writeFileSync(options.out, text);
    io.note(
      `wrote ${options.out} (${Math.round(Buffer.byteLength(text) / 1024)} KiB): ${report.grants.length} grants, ${report.accounts.length} accounts`,
    );
  }
  return 0;
};

async function render(report: ReturnType<typeof filterReport>, options: AccessCommandOptions): Promise<string> {
  switch (options.format) {
    case "terminal":
      return accessTerminal(report, {
        by: options.by,
        color: options.color && options.out === undefined,
        privileged: options.filter.privileged === true,
      });
    case "json":
      return `${jsonText(accessJson(report, options.filter), 2)}\n`;
    case "markdown":
      return accessMarkdown(report, { by: options.by, privileged: options.filter.privileged === true });
    case "html":
      return (await import("../../report/html")).accessHtml(report, { source: options.configFile, filter: options.filter });
  }
}
