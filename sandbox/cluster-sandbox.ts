import { join, relative, resolve } from "node:path";
import type { Model } from "../lib/model";
import { awsEnvironment } from "./broker-role";
import { requesterTokenHints } from "./keep";
import type { WithVaultOptions } from "./run-sandbox";
import type { VaultBuild } from "./vault-build";
import { startVaultCluster, type VaultCluster } from "./vault-cluster";

/** The file `--keep` writes the cluster's unseal key and root token to, mode 0600. */
export function clusterSecretsFile(workDir: string): string {
  return join(resolve(workDir), "vault", "cluster-secrets.json");
}

/**
 * `withVault` for a cluster: starts `nodes` Vault servers with integrated storage from a build,
 * initialized, unsealed and joined (see `startVaultCluster`), runs, and stops them unless `keep`.
 * The body gets the cluster; `cluster.through(node)` is where terraform and the checks go.
 */
export async function withVaultCluster<T>(
  build: VaultBuild,
  nodes: number,
  options: WithVaultOptions,
  body: (cluster: VaultCluster) => Promise<T>,
): Promise<T> {
  const { workDir, keep, log, awsCredentials } = options;
  const env = awsCredentials ? awsEnvironment(awsCredentials, options.awsRegion ?? "us-east-1") : undefined;
  const started = Date.now();
  const cluster = await startVaultCluster({ binary: build.binary, dir: join(resolve(workDir), "vault", "cluster"), nodes, env });
  const active = await cluster.leader();
  log(
    `vault ${build.version}: ${nodes} servers with integrated storage (Raft) at ${cluster.nodes.map((n) => n.address).join(", ")}, ` +
      `${active.nodeId} active, healthy in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(unseal key and root token kept in memory only${env ? "; AWS credentials of the broker role's session in their environment" : ""})`,
  );
  try {
    return await body(cluster);
  } finally {
    if (keep) cluster.detach();
    else await cluster.stop();
  }
}

/**
 * What `--keep` leaves behind for exploring a cluster: the unseal key and root token in a 0600 file
 * (a node restarted by hand needs the key), the requester groups' tokens as for a single server,
 * and the lines that stop every node.
 */
export async function keepClusterHints(model: Model, cluster: VaultCluster, binary: string, workDir: string): Promise<string[]> {
  const file = clusterSecretsFile(workDir);
  cluster.writeSecrets(file);
  const active = await cluster.leader();
  const pids = cluster.nodes.map((n) => n.process.pid);
  return [
    `The Vault cluster keeps running: ${cluster.nodes.map((n) => `${n.nodeId} ${n.address} (pid ${n.process.pid})`).join(", ")}; ${active.nodeId} is active.`,
    `WARNING: its unseal key and root token are in ${relative(process.cwd(), file) || file} (mode 0600). ` +
      "Whoever reads that file controls this Vault; delete it when you stop the cluster.",
    ...(await requesterTokenHints(model, cluster.through(active), binary, workDir)),
    `Stop it with: kill -- ${pids.map((pid) => `-${pid}`).join(" ")} && rm ${file}`,
  ];
}
