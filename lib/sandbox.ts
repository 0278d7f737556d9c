/**
 * Sandbox mode: the same program, pointed at a local AWS emulator. It only adds endpoint
 * overrides, the skip flags an emulator needs and a local state file per stack; the resources are
 * the ones a real deployment gets. Credentials are never written: the harness passes throwaway
 * keys through the environment.
 */
export interface SandboxOptions {
  /** Base URL of the emulator, e.g. `http://127.0.0.1:5000`. */
  readonly awsEndpoint: string;
  /** Folder holding one `<stack>.tfstate` per stack. */
  readonly stateDir: string;
}

/** Environment variable naming the emulator's URL; setting it turns sandbox mode on. */
export const SANDBOX_ENDPOINT_ENV = "SANDBOX_AWS_ENDPOINT";
/** Environment variable naming the folder for the sandbox's state files. */
export const SANDBOX_STATE_DIR_ENV = "SANDBOX_STATE_DIR";

/** Sandbox options from the environment, or `undefined` for a normal synth. */
export function sandboxFromEnv(env: NodeJS.ProcessEnv): SandboxOptions | undefined {
  const awsEndpoint = env[SANDBOX_ENDPOINT_ENV];
  if (!awsEndpoint) {
    return undefined;
  }
  const stateDir = env[SANDBOX_STATE_DIR_ENV];
  if (!stateDir) {
    throw new Error(`${SANDBOX_ENDPOINT_ENV} is set but ${SANDBOX_STATE_DIR_ENV} is not: name the folder for the sandbox's state files`);
  }
  return { awsEndpoint, stateDir };
}
