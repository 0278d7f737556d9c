import { writeFileSync } from "node:fs";
import { loadConfig } from "../../lib/config/load";
import { buildModel } from "../../lib/model";
import { jsonText } from "../../lib/output-text";
import { SCP_MAX_SIZE } from "../../lib/policy/guardrails";
import type { CommandHandler } from "../context";

/** Options of `vault-aws guardrails`. */
export interface GuardrailsOptions {
  /** The accounts file. */
  readonly config: string;
  /** @default - the policy goes to stdout */
  readonly out?: string;
}

/**
 * `vault-aws guardrails`: the guardrail SCP of the config, printed or written to a file. A config
 * without `guardrails:` gets the policy its defaults would make, so it can be read before it is
 * turned on.
 */
export const guardrailsCommand: CommandHandler<GuardrailsOptions> = (options, ctx) => {
  const config = loadConfig(options.config);
  const model = buildModel(config.guardrails ? config : { ...config, guardrails: { exemptPrincipalArns: [] } });
  const text = `${jsonText(model.guardrails!.policy, 2)}\n`;
  const note = `${model.guardrails!.size} of ${SCP_MAX_SIZE} characters${config.guardrails ? "" : `; ${options.config} has no guardrails: section yet, so nothing deploys it`}`;
  if (options.out) {
    writeFileSync(options.out, text);
    ctx.log(`guardrails: wrote ${options.out} (${note})`);
  } else {
    ctx.write(text);
    ctx.note(`guardrails: ${note}`);
  }
  return 0;
};
