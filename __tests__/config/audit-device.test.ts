import { ConfigError } from "../../lib/config/load";
import { baseConfig, configOf, resources, synth } from "../helpers";

/** The config's problems, without the file prefix, or [] when it is valid. */
function problems(audit: unknown): string[] {
  const config = baseConfig();
  config.vault = { ...config.vault, audit };
  try {
    configOf(config);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.replace(/^accounts\.yaml(:\d+:\d+)?: /, ""));
    throw error;
  }
}

describe("vault.audit", () => {
  test("absent by default: the vault stack manages no audit device", () => {
    expect(resources(synth(baseConfig()).stacks.vault, "vault_audit")).toEqual({});
  });
  test("a file device: synthesized with its options, a default path and description", () => {
    const config = baseConfig();
    config.vault = { audit: { type: "file", options: { file_path: "/var/log/vault/audit.log", hmac_accessor: "false" } } };
    const [{ "//": _, ...device }] = Object.values<any>(resources(synth(config).stacks.vault, "vault_audit"));
    expect(device).toEqual({
      type: "file",
      path: "vault-aws-file",
      local: false,
      description: "vault-aws-multi-account: who requested which AWS credentials (vault-aws trace)",
      options: { file_path: "/var/log/vault/audit.log", hmac_accessor: "false" },
    });
  });
  test("every other resource of the vault stack waits for the device (a create racing its enabling gets a 500, then a retry meets itself)", () => {
    const config = baseConfig();
    config.requesters.developers.groups = [{ authMount: "oidc", name: "eng" }];
    config.vault = { audit: { type: "file", options: { file_path: "/var/log/vault/audit.log" } } };
    const { vault } = synth(config).stacks;
    const [deviceId] = Object.keys(resources(vault, "vault_audit"));
    const others = Object.entries<any>(vault.resource).filter(([type]) => type !== "vault_audit");
    expect(others.map(([type]) => type).sort()).toEqual([
      "vault_aws_secret_backend",
      "vault_generic_endpoint",
      "vault_identity_group",
      "vault_identity_group_alias",
    ]);
    for (const [, byId] of others)
      for (const resource of Object.values<any>(byId)) expect(resource.depends_on).toContain(`vault_audit.${deviceId}`);
    expect(Object.values<any>(resources(synth(baseConfig()).stacks.vault, "vault_aws_secret_backend"))[0].depends_on).toBeUndefined();
  });
  test("a valid socket and syslog device", () => {
    expect(problems({ type: "socket", path: "siem", options: { address: "127.0.0.1:9090", socket_type: "tcp" } })).toEqual([]);
    expect(problems({ type: "syslog", options: { tag: "vault" } })).toEqual([]);
  });
  test("log_raw is refused: it would write the AWS secret keys in clear", () => {
    expect(problems({ type: "file", options: { file_path: "/a", log_raw: "true" } })).toEqual([
      "vault.audit.options.log_raw: is not allowed: log_raw writes every secret, the AWS secret keys among them, in clear to the log",
    ]);
  });
  test("an option of another kind of device, a missing required option, a format trace cannot read", () => {
    expect(problems({ type: "file", options: { address: "x" } }).sort()).toEqual([
      "vault.audit.options.address: is not an option of a file audit device: use file_path, mode, format, prefix, hmac_accessor, elide_list_responses, fallback",
      "vault.audit.options.file_path: is required for a file audit device",
    ]);
    expect(problems({ type: "socket", options: { address: "a:1", format: "jsonx" } })).toEqual([
      'vault.audit.options.format: "jsonx" is not allowed: use "json", the format vault-aws trace reads',
    ]);
  });
  test("a type Vault has no device for, an option that is not a string", () => {
    expect(problems({ type: "kafka" })).toEqual(['vault.audit.type: expected "file", "syslog" or "socket", got "kafka"']);
    expect(problems({ type: "file", options: { file_path: "/a", mode: 600 } })).toEqual([
      "vault.audit.options.mode: expected a string (Vault takes every audit option as a string), got number 600",
    ]);
  });
});
