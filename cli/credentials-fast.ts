import { readFresh } from "../lib/credentials/cache";
import { credentialsRequest, parseCredentialsArgs } from "../lib/credentials/request";

/**
 * The warm path of `vault-aws credentials`, which every AWS CLI or SDK call of a generated profile
 * runs: bin/vault-aws.js loads this small bundle first, and it prints the cached credentials without
 * loading commander, the config schema or cdktf. It answers only a plain, fresh cache hit; anything
 * else (a miss, an expired entry, no token, `--help`) returns false and the whole program handles it.
 */
export function answeredFromCache(args: readonly string[]): boolean {
  const options = parseCredentialsArgs(args);
  if (options === undefined) return false;
  let file: string;
  try {
    file = credentialsRequest(options, process.env).file;
  } catch {
    return false;
  }
  const credentials = readFresh(file, Date.now());
  if (credentials === undefined) return false;
  process.stdout.write(`${JSON.stringify(credentials)}\n`);
  return true;
}
