import { writeFileSync } from "node:fs";
import { ConfigError, loadConfig } from "../../lib/config/load";
import { buildModel, QuotaError } from "../../lib/model";
import { SCP_MAX_SIZE } from "../../lib/policy/guardrails";

/**
 * `vault-aws guardrails`: the guardrail SCP of the config, printed or written to a file. A config
 * without `guardrails:` gets the policy its defaults would make, so it can be read before it is
 * turned on. Returns the exit code.
 */
export function guardrailsMain(options: { config: string; out?: string }, log: (line: string) => void, error: (line: string) => void): number {
  try {
    const config = loadConfig(options.config);
    const model = buildModel(config.guardrails ? config : { ...config, guardrails: { exemptPrincipalArns: [] } });
    const text = `${JSON.stringify(model.guardrails!.policy, null, 2)}\n`;
    const note = `${model.guardrails!.size} of ${SCP_MAX_SIZE} characters${config.guardrails ? "" : `; ${options.config} has no guardrails: section yet, so nothing deploys it`}`;
    if (options.out) {
      writeFileSync(options.out, text);
      log(`guardrails: wrote ${options.out} (${note})`);
    } else {
      process.stdout.write(text);
      error(`guardrails: ${note}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) error(e.message);
    else if (e instanceof QuotaError) error(`${options.config} cannot be deployed within AWS quotas: ${e.message}`);
    else throw e;
    return 1;
  }
}
