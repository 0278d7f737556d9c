import { apiAddress, RAFT_PERFORMANCE_MULTIPLIER, vaultNodeConfig } from "../../sandbox/vault-cluster-config";

const nodes = [
  { nodeId: "vault-1", apiPort: 41001, clusterPort: 42001, dataDir: "/w/vault-1/data" },
  { nodeId: "vault-2", apiPort: 41002, clusterPort: 42002, dataDir: "/w/vault-2/data" },
  { nodeId: "vault-3", apiPort: 41003, clusterPort: 42003, dataDir: "/w/vault-3/data" },
];

describe("vaultNodeConfig", () => {
  test("integrated storage in the node's own folder, joining every other node, on loopback only", () => {
    expect(vaultNodeConfig(nodes[1], nodes)).toEqual({
      storage: {
        raft: {
          path: "/w/vault-2/data",
          node_id: "vault-2",
          performance_multiplier: 1,
          retry_join: [{ leader_api_addr: "http://127.0.0.1:41001" }, { leader_api_addr: "http://127.0.0.1:41003" }],
        },
      },
      listener: [{ tcp: { address: "127.0.0.1:41002", cluster_address: "127.0.0.1:42002", tls_disable: true } }],
      api_addr: "http://127.0.0.1:41002",
      cluster_addr: "https://127.0.0.1:42002",
      disable_mlock: true,
      ui: false,
    });
  });
  test("Raft runs at HashiCorp's production timing, not the minimal-server default", () => {
    expect(RAFT_PERFORMANCE_MULTIPLIER).toBe(1);
  });
  test("a folder name with quotes and HCL template characters stays a plain JSON string", () => {
    const odd = { ...nodes[0], dataDir: '/w/"x" ${y}/data' };
    const text = JSON.stringify(vaultNodeConfig(odd, [odd]));
    expect(JSON.parse(text).storage.raft.path).toBe('/w/"x" ${y}/data');
    expect(JSON.parse(text).storage.raft.retry_join).toEqual([]);
  });
  test("apiAddress", () => {
    expect(apiAddress({ apiPort: 8200 })).toBe("http://127.0.0.1:8200");
  });
});
