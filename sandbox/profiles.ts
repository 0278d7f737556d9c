import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Model } from "../lib/model";
import { iamRoleArn } from "../lib/names";

/** The throwaway key of the emulator's default account; passed by environment, never synthesized. */
export const SANDBOX_KEY = { AWS_ACCESS_KEY_ID: "sandbox", AWS_SECRET_ACCESS_KEY: "sandbox" } as const;

/** Name of the base profile holding the throwaway key. */
const BASE_PROFILE = "vama-sandbox-base";

/**
 * Accounts reached through a named profile need that profile to exist. In the sandbox each one
 * becomes a profile that assumes the default deployment role of its account from the throwaway
 * key, so the provider's `profile = "..."` path runs for real against the emulator.
 *
 * @returns environment variables pointing the AWS SDK at the generated files
 */
export function sandboxProfiles(model: Model, dir: string, deployRoleName: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const profiles = model.accounts.flatMap((account) =>
    "profile" in account.deployment
      ? [
          `[profile ${account.deployment.profile}]\nrole_arn = ${iamRoleArn(model.partition, account.id, deployRoleName)}\nsource_profile = ${BASE_PROFILE}\n`,
        ]
      : [],
  );
  const config = join(dir, "config");
  const credentials = join(dir, "credentials");
  writeFileSync(config, [`[profile ${BASE_PROFILE}]\nregion = us-east-1\n`, ...profiles].join("\n"));
  writeFileSync(
    credentials,
    `[${BASE_PROFILE}]\naws_access_key_id = ${SANDBOX_KEY.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_KEY.AWS_SECRET_ACCESS_KEY}\n`,
  );
  return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
}
