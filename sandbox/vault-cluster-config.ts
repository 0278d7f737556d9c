/** Addresses and folders of one node of the sandbox's Vault cluster. */
export interface VaultNodeSpec {
  /** Raft node id, e.g. `vault-1`. */
  readonly nodeId: string;
  /** Port of the HTTP API on 127.0.0.1. */
  readonly apiPort: number;
  /** Port of the cluster listener (request forwarding and Raft, always TLS) on 127.0.0.1. */
  readonly clusterPort: number;
  /** The node's own Raft data folder. */
  readonly dataDir: string;
}

/**
 * Raft's timing scale. 1 is what HashiCorp recommends for production servers ("highest-performance
 * mode"); Vault's default (0, meaning 5) is sized for minimal servers and waits five times longer
 * before electing a new leader. See https://developer.hashicorp.com/vault/docs/configuration/storage/raft
 */
export const RAFT_PERFORMANCE_MULTIPLIER = 1;

/** The API address of a node, as clients and the other nodes reach it. */
export function apiAddress(node: Pick<VaultNodeSpec, "apiPort">): string {
  return `http://127.0.0.1:${node.apiPort}`;
}

/**
 * The server config of one node, as Vault's JSON config (JSON, not HCL, so that a folder name
 * cannot break out of a string): integrated storage in the node's own folder, `retry_join` to every
 * other node (a restarted node finds whichever is active), and one listener on loopback.
 *
 * `tls_disable` applies to the API listener only, which listens on 127.0.0.1 and is reached by this
 * machine's processes alone; the cluster port, which carries Raft and request forwarding, is always
 * TLS with certificates the cluster makes itself. A production listener must have TLS.
 * `disable_mlock` is what HashiCorp recommends with integrated storage (its files are memory-mapped).
 */
export function vaultNodeConfig(node: VaultNodeSpec, all: readonly VaultNodeSpec[]): Record<string, unknown> {
  return {
    storage: {
      raft: {
        path: node.dataDir,
        node_id: node.nodeId,
        performance_multiplier: RAFT_PERFORMANCE_MULTIPLIER,
        retry_join: all.filter((other) => other.nodeId !== node.nodeId).map((other) => ({ leader_api_addr: apiAddress(other) })),
      },
    },
    listener: [{ tcp: { address: `127.0.0.1:${node.apiPort}`, cluster_address: `127.0.0.1:${node.clusterPort}`, tls_disable: true } }],
    api_addr: apiAddress(node),
    cluster_addr: `https://127.0.0.1:${node.clusterPort}`,
    disable_mlock: true,
    ui: false,
  };
}
