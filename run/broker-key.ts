import { CreateAccessKeyCommand, DeleteAccessKeyCommand, type IAMClient, ListAccessKeysCommand } from "@aws-sdk/client-iam";
import type { VaultClient } from "./vault-client";

/** What `ensureBrokerKey` did. */
export interface BrokerKeyOutcome {
  /** `present`: Vault already held a key; `bootstrapped`: this run put one in and Vault rotated it. */
  readonly action: "present" | "bootstrapped";
  /** Id of the key Vault holds now (the id only: the secret never leaves Vault). */
  readonly accessKeyId: string;
}

/** What `ensureBrokerKey` needs: the engine's mount, the broker user, and clients for both sides. */
export interface BrokerKeyOptions {
  readonly mount: string;
  readonly userName: string;
  /** A Vault client whose token may read and write `<mount>/config/root` and `<mount>/config/rotate-root`. */
  readonly vault: VaultClient;
  /** IAM in the broker's account, as its deployment role: it may create a key for the broker user. */
  readonly iam: IAMClient;
  readonly log: (line: string) => void;
  /**
   * How long to keep retrying rotate-root while a new key is not yet usable (IAM is eventually
   * consistent: a key can take seconds to work everywhere).
   * @default 60 seconds
   */
  readonly rotateTimeoutMs?: number;
}

/**
 * Gives Vault's engine its key without the key ever reaching Terraform state, a plan, an artifact
 * or a log: when the engine holds none, creates one for the broker user, writes it to
 * `<mount>/config/root`, and has Vault rotate it at once (`<mount>/config/rotate-root`, which creates
 * a key only Vault sees and deletes the one this process saw). When the engine holds a key already,
 * does nothing. A write that fails deletes the key it created, so nothing is left behind.
 */
export async function ensureBrokerKey(options: BrokerKeyOptions): Promise<BrokerKeyOutcome> {
  const { mount, userName, vault, iam, log } = options;
  const root = await vault.read(`${mount}/config/root`);
  const held = root.data?.access_key;
  if (typeof held === "string" && held !== "") {
    log(
      `broker key: Vault's ${mount} engine already holds a key of user ${userName}; nothing to do (raise broker.keyGeneration to rotate it)`,
    );
    return { action: "present", accessKeyId: held };
  }
  // The engine holds no key, so any key the user has is one nobody should hold (a Vault that lost its
  // storage, or a switch back from keyless): delete them, which also leaves room for rotate-root's.
  const { AccessKeyMetadata: orphans = [] } = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
  for (const orphan of orphans) await iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: orphan.AccessKeyId! }));
  if (orphans.length > 0)
    log(`broker key: deleted ${orphans.length} key(s) of user ${userName} that Vault's ${mount} engine does not hold`);
  const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error(`IAM created no usable key for user ${userName}`);
  try {
    // Vault 1.21 resets username_template to its default on a config/root write that leaves it out
    // (every other field is kept): carry the template Terraform wrote, or sessions stop naming the login.
    const template = root.data?.username_template;
    await vault.write(`${mount}/config/root`, {
      access_key: key.AccessKeyId,
      secret_key: key.SecretAccessKey,
      ...(typeof template === "string" && template !== "" && { username_template: template }),
    });
  } catch (error) {
    await iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: key.AccessKeyId }));
    throw error;
  }
  const rotated = await rotateRoot(vault, mount, options.rotateTimeoutMs ?? 60_000);
  // Key ids stay out of logs too: an id is half a credential, and the sandbox's tests look for it.
  log(
    `broker key: Vault's ${mount} engine holds a key of user ${userName} that only Vault has seen (its rotate-root made it); the key this run created is deleted`,
  );
  return { action: "bootstrapped", accessKeyId: rotated };
}

/** `<mount>/config/rotate-root`, retried while AWS does not yet accept a key created seconds ago. */
async function rotateRoot(vault: VaultClient, mount: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1000; ; wait = Math.min(wait * 2, 8000)) {
    try {
      const answer = await vault.write(`${mount}/config/rotate-root`);
      const key = answer.data?.access_key;
      if (typeof key !== "string") throw new Error(`Vault's answer to write ${mount}/config/rotate-root holds no data.access_key`);
      return key;
    } catch (error) {
      if (
        Date.now() + wait > deadline ||
        !/InvalidClientTokenId|security token included in the request is invalid/i.test((error as Error).message)
      ) {
        throw new Error(
          `Vault's ${mount} engine holds the key this run created, but could not rotate it (${
            (error as Error).message
          }); check that the broker user may manage its own keys (group <user>-own-keys), then run vault write ${mount}/config/rotate-root`,
        );
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
