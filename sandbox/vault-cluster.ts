import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./emulator";
import { killOnInterrupt } from "./interrupt";
import { apiAddress, type VaultNodeSpec, vaultNodeConfig } from "./vault-cluster-config";
import { isJsonObject } from "../lib/json";
import { VaultClient, vaultErrors, type VaultResponse } from "../run/vault-client";
import { signalGroup, type VaultEndpoint } from "./vault-server";

/** One `vault server` of a `VaultCluster`. */
export interface VaultNode extends VaultNodeSpec {
  /** e.g. `http://127.0.0.1:40123` */
  readonly address: string;
  /** The shell that runs this node's Vault; its process group is Vault's. */
  readonly process: ChildProcess;
  readonly logFile: string;
  /** False once killed or stopped, until restarted. */
  readonly running: boolean;
}

/** A running cluster of Vault servers with integrated storage (Raft), initialized and unsealed. */
export interface VaultCluster {
  readonly nodes: readonly VaultNode[];
  /** The root token's client, at the first node (a standby forwards to the active node). */
  readonly root: VaultClient;
  /** The cluster reached through one node: its address for `VAULT_ADDR`, with the root token. */
  through(node: VaultNode): VaultEndpoint;
  /** The node that is active now (asks each running node `sys/leader`); waits for an election to finish. */
  leader(timeoutMs?: number): Promise<VaultNode>;
  /** Running nodes that are not the active one. */
  standbys(): Promise<VaultNode[]>;
  /**
   * Waits until every node runs, is unsealed and is a Raft voter, and one is active and answers.
   * @default timeoutMs 60000
   */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** SIGKILL to one node, as a crash would; its data folder stays. */
  kill(node: VaultNode): Promise<void>;
  /** Starts a killed or stopped node again on the same ports and data, and unseals it. */
  restart(node: VaultNode): Promise<void>;
  /** A Raft snapshot of the whole cluster's data, taken through the active node. */
  snapshot(): Promise<Buffer>;
  /** Restores a snapshot of this same cluster through the active node (`vault operator raft snapshot restore`). */
  restore(snapshot: Buffer): Promise<void>;
  /** Writes the unseal key and root token to `file`, mode 0600, for `--keep`. */
  writeSecrets(file: string): void;
  /** Stops every node (SIGTERM). */
  stop(): Promise<void>;
  /** Leaves every node running after this process exits. */
  detach(): void;
}

/** Options of `startVaultCluster`. */
export interface StartVaultClusterOptions {
  /** The Vault binary (see `ensureVault`). */
  readonly binary: string;
  /** Folder for each node's config, data and log: `<dir>/vault-<n>/`. */
  readonly dir: string;
  /** @default 3 */
  readonly nodes?: number;
  /** More environment for every node, e.g. a keyless broker's AWS credentials. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 60000 */
  readonly timeoutMs?: number;
}

/**
 * Starts `nodes` Vault servers on 127.0.0.1, each with its own Raft data folder, initializes the
 * first with one unseal key share (the sandbox holds the key in memory for its own life; a threshold
 * of several shares would change no behaviour this product has), unseals it, lets the others join
 * through `retry_join` and unseals them, and waits until the cluster is healthy. The key and the root
 * token come back over the API into this process's memory and are never logged.
 */
export async function startVaultCluster(options: StartVaultClusterOptions): Promise<VaultCluster> {
  const count = options.nodes ?? 3;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const specs: VaultNodeSpec[] = [];
  for (let i = 1; i <= count; i++) {
    specs.push({
      nodeId: `vault-${i}`,
      apiPort: await freePort(),
      clusterPort: await freePort(),
      dataDir: join(options.dir, `vault-${i}`, "data"),
    });
  }
  const nodes = specs.map((spec) => {
    const folder = join(options.dir, spec.nodeId);
    mkdirSync(spec.dataDir, { recursive: true, mode: 0o700 });
    const configFile = join(folder, "config.json");
    writeFileSync(configFile, JSON.stringify(vaultNodeConfig(spec, specs), null, 2));
    return new NodeProcess(spec, options.binary, configFile, join(folder, "vault.log"), options.env ?? {});
  });
  let secrets: { unsealKey: string; rootToken: string } | undefined;
  try {
    await Promise.all(nodes.map((node) => node.launch()));
    await Promise.all(nodes.map((node) => node.waitListening(timeoutMs)));
    const init = await anonymous(nodes[0].address).write("sys/init", { secret_shares: 1, secret_threshold: 1 });
    const unsealKey: unknown = Array.isArray(init.keys_base64) ? init.keys_base64[0] : undefined;
    if (typeof unsealKey !== "string" || typeof init.root_token !== "string")
      throw new Error("sys/init: Vault's answer holds no keys_base64 and root_token");
    secrets = { unsealKey, rootToken: init.root_token };
    // The first node becomes active before the others ask it to join.
    await nodes[0].unseal(secrets.unsealKey, timeoutMs);
    await Promise.all(nodes.slice(1).map((node) => node.unseal(secrets!.unsealKey, timeoutMs)));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.signal("SIGKILL")));
    throw new Error(`the Vault cluster did not start: ${(error as Error).message}\n${nodes.map((n) => n.logTail()).join("\n")}`);
  }
  const { unsealKey, rootToken } = secrets;
  const root = new VaultClient(nodes[0].address, rootToken);
  const through = (node: VaultNode): VaultEndpoint => ({
    address: node.address,
    root: new VaultClient(node.address, rootToken),
    env: { VAULT_ADDR: node.address, VAULT_TOKEN: rootToken },
  });

  const leader = async (leaderTimeoutMs = timeoutMs): Promise<VaultNode> => {
    const deadline = Date.now() + leaderTimeoutMs;
    while (Date.now() < deadline) {
      for (const node of nodes.filter((n) => n.running)) {
        const answer = await anonymous(node.address)
          .request("GET", "sys/leader")
          .catch(() => undefined);
        const active = nodes.find((n) => n.address === answer?.body?.leader_address);
        if (active?.running && (await healthStatus(active)) === 200) return active;
      }
      await sleep(100);
    }
    throw new Error(`no Vault node became active within ${leaderTimeoutMs / 1000} s`);
  };

  const cluster: VaultCluster = {
    nodes,
    root,
    through,
    leader,
    standbys: async () => {
      const active = await leader();
      return nodes.filter((n) => n.running && n !== active);
    },
    waitHealthy: async (healthyTimeoutMs = timeoutMs) => {
      const deadline = Date.now() + healthyTimeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        last = await clusterProblem(nodes, rootToken);
        if (!last) return;
        await sleep(250);
      }
      throw new Error(`the Vault cluster is not healthy after ${healthyTimeoutMs / 1000} s: ${last}`);
    },
    kill: (node) => (node as NodeProcess).signal("SIGKILL"),
    restart: async (node) => {
      const process = node as NodeProcess;
      await process.signal("SIGTERM");
      await process.launch();
      await process.waitListening(timeoutMs);
      await process.unseal(unsealKey, timeoutMs);
    },
    snapshot: async () => {
      const active = await leader();
      const response = await fetch(`${active.address}/v1/sys/storage/raft/snapshot`, { headers: { "X-Vault-Token": rootToken } });
      if (!response.ok) throw new Error(`snapshot through ${active.nodeId}: HTTP ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    },
    restore: async (snapshot) => {
      const active = await leader();
      const response = await fetch(`${active.address}/v1/sys/storage/raft/snapshot`, {
        method: "POST",
        headers: { "X-Vault-Token": rootToken },
        body: new Uint8Array(snapshot),
      });
      if (!response.ok) throw new Error(`restore through ${active.nodeId}: HTTP ${response.status}: ${await response.text()}`);
    },
    writeSecrets: (file) => {
      writeFileSync(file, `${JSON.stringify({ unseal_keys_b64: [unsealKey], root_token: rootToken }, null, 2)}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    },
    stop: async () => {
      await Promise.all(nodes.map((node) => node.signal("SIGTERM")));
    },
    detach: () => nodes.forEach((node) => node.detach()),
  };
  try {
    await cluster.waitHealthy();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/**
 * What keeps the cluster from being healthy right now, or "" when nothing does: every node unsealed
 * and answering `sys/health` (active or standby), and Raft's configuration listing every node as a
 * voter.
 */
async function clusterProblem(nodes: readonly NodeProcess[], rootToken: string): Promise<string> {
  let active: NodeProcess | undefined;
  for (const node of nodes) {
    if (!node.running) return `${node.nodeId} is not running`;
    const status = await healthStatus(node);
    if (status === 200) active = node;
    else if (status !== 429) return `${node.nodeId} answers sys/health with ${status ?? "no answer"}`;
  }
  if (!active) return "no node is active";
  const answer = await new VaultClient(active.address, rootToken).request("GET", "sys/storage/raft/configuration").catch(() => undefined);
  const config = answer?.body.data?.config;
  const listed: unknown = isJsonObject(config) ? config.servers : undefined;
  const servers = Array.isArray(listed) ? listed.filter(isJsonObject) : [];
  const voters = servers.filter((s) => s.voter).map((s) => s.node_id);
  const missing = nodes.filter((n) => !voters.includes(n.nodeId)).map((n) => n.nodeId);
  return missing.length ? `not yet Raft voters: ${missing.join(", ")}` : "";
}

/** `sys/health` of one node: 200 active, 429 standby, 503 sealed, 501 not initialized; undefined if it does not answer. */
async function healthStatus(node: Pick<VaultNode, "address">): Promise<number | undefined> {
  try {
    return (await fetch(`${node.address}/v1/sys/health`, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return undefined;
  }
}

function anonymous(address: string): VaultClient {
  return new VaultClient(address, "");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One node's process: launched, signalled and relaunched on the same ports and data. */
class NodeProcess implements VaultNode {
  readonly nodeId: string;
  readonly apiPort: number;
  readonly clusterPort: number;
  readonly dataDir: string;
  readonly address: string;
  private child?: ChildProcess;
  private release: () => void = () => undefined;

  constructor(
    spec: VaultNodeSpec,
    private readonly binary: string,
    private readonly configFile: string,
    readonly logFile: string,
    private readonly env: Readonly<Record<string, string>>,
  ) {
    ({ nodeId: this.nodeId, apiPort: this.apiPort, clusterPort: this.clusterPort, dataDir: this.dataDir } = spec);
    this.address = apiAddress(spec);
  }

  get process(): ChildProcess {
    return this.child!;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts `vault server` in its own process group, logging to its file (so a kept node keeps logging). */
  launch(): Promise<void> {
    const child = spawn("sh", ["-c", `exec "$VAULT_BINARY_PATH" server -config="$VAULT_CONFIG_FILE" >> "$VAULT_LOG" 2>&1`], {
      detached: true,
      stdio: "ignore",
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        VAULT_BINARY_PATH: this.binary,
        VAULT_CONFIG_FILE: this.configFile,
        VAULT_LOG: this.logFile,
        ...this.env,
      },
    });
    this.child = child;
    this.release();
    this.release = killOnInterrupt(child);
    return new Promise((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", reject);
    });
  }

  async signal(name: NodeJS.Signals): Promise<void> {
    if (this.child) await signalGroup(this.child, name);
    // Gone: its pid may be reused, so an interrupt must not signal it any more.
    this.release();
  }

  detach(): void {
    this.child?.unref();
    this.release();
  }

  async waitListening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.running) {
      if ((await healthStatus(this)) !== undefined) return;
      await sleep(100);
    }
    throw new Error(`${this.nodeId} did not listen on ${this.address}`);
  }

  /**
   * Gives the node the unseal key until it reports unsealed. A node still joining takes the key,
   * joins the cluster with it, and only then reports unsealed.
   */
  async unseal(key: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline && this.running) {
      const answer = await anonymous(this.address)
        .request("PUT", "sys/unseal", { key })
        .catch((e: Error): VaultResponse => ({ status: 0, body: { errors: [e.message] } }));
      if (answer.status === 200 && answer.body.sealed === false) return;
      const errors = vaultErrors(answer.body);
      last = errors.length > 0 ? errors.join("; ") : `sealed (progress ${String(answer.body?.progress)})`;
      await sleep(250);
    }
    throw new Error(`${this.nodeId} is still sealed: ${last || "it exited"}`);
  }

  logTail(): string {
    try {
      return `--- ${this.nodeId}:\n${readFileSync(this.logFile, "utf8").trim().split("\n").slice(-10).join("\n")}`;
    } catch {
      return `--- ${this.nodeId}: no log`;
    }
  }
}
