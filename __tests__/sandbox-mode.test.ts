import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { isVaultStack } from "../lib/names";
import { sandboxFromEnv } from "../lib/sandbox";
import { SESSION_NAME_TEMPLATE } from "../lib/policy/trust-policy";
import { synth } from "./helpers";

const example = parse(readFileSync(`${__dirname}/../accounts.yaml`, "utf8"));
const sandbox = { awsEndpoint: "http://127.0.0.1:4566", stateDir: "/tmp/sandbox-state" };

/** The provider arguments and backend that sandbox mode adds; nothing else may differ. */
const SANDBOX_PROVIDER_KEYS = [
  "endpoints",
  "skip_credentials_validation",
  "skip_metadata_api_check",
  "skip_region_validation",
  "max_retries",
];

function withoutSandboxParts(stack: any): any {
  const copy = structuredClone(stack);
  for (const provider of copy.provider?.aws ?? []) for (const key of SANDBOX_PROVIDER_KEYS) delete provider[key];
  delete copy.terraform.backend;
  for (const engine of Object.values<any>(copy.resource?.vault_aws_secret_backend ?? {})) {
    delete engine.sts_endpoint;
    delete engine.iam_endpoint;
  }
  for (const remote of Object.values<any>(copy.data?.terraform_remote_state ?? {})) delete remote.config;
  // The engine's config/root carries the same endpoints.
  for (const endpoint of Object.values<any>(copy.resource?.vault_generic_endpoint ?? {})) {
    if (!endpoint.path.endsWith("/config/root")) continue;
    const { sts_endpoint: _sts, iam_endpoint: _iam, ...rest } = JSON.parse(endpoint.data_json);
    endpoint.data_json = JSON.stringify(rest);
  }
  return copy;
}

describe("sandbox mode", () => {
  const normal = synth(example).stacks;
  const sandboxed = synth(example, { sandbox }).stacks;

  test("adds the emulator's endpoints, the skip flags it needs and bounded retries to every AWS provider", () => {
    for (const [name, stack] of Object.entries(sandboxed)) {
      if (isVaultStack(name)) continue;
      expect(stack.provider.aws[0]).toMatchObject({
        endpoints: [{ iam: sandbox.awsEndpoint, sts: sandbox.awsEndpoint, ec2: sandbox.awsEndpoint }],
        skip_credentials_validation: true,
        skip_metadata_api_check: "true",
        skip_region_validation: true,
        max_retries: 2,
      });
    }
  });
  test("keeps allowed_account_ids and the deployment role, so the pin is exercised too", () => {
    expect(sandboxed["aws-dev"].provider.aws[0]).toMatchObject({
      allowed_account_ids: ["222222222222"],
      assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole" }],
    });
  });
  test("writes no credentials: the harness passes throwaway keys by environment", () => {
    for (const [name, stack] of Object.entries(sandboxed)) {
      if (isVaultStack(name)) continue;
      expect(stack.provider.aws[0].access_key).toBeUndefined();
      expect(stack.provider.aws[0].secret_key).toBeUndefined();
    }
    expect(JSON.stringify(sandboxed)).not.toMatch(/"(access_key|secret_key|token)":"(?!\$\{)/);
  });
  test("points the Vault engine's STS and IAM calls at the emulator, and only there", () => {
    const [engine] = Object.values<any>(sandboxed.vault.resource.vault_aws_secret_backend);
    expect(engine).toMatchObject({ sts_endpoint: sandbox.awsEndpoint, iam_endpoint: sandbox.awsEndpoint });
    const [normalEngine] = Object.values<any>(normal.vault.resource.vault_aws_secret_backend);
    expect(normalEngine.sts_endpoint).toBeUndefined();
    expect(normalEngine.iam_endpoint).toBeUndefined();
    const root = (stacks: any) => JSON.parse(Object.values<any>(stacks.vault.resource.vault_generic_endpoint)[0].data_json);
    expect(root(sandboxed)).toMatchObject({ sts_endpoint: sandbox.awsEndpoint, iam_endpoint: sandbox.awsEndpoint });
    expect(root(normal)).toEqual({ region: "us-east-1", username_template: SESSION_NAME_TEMPLATE });
  });
  test("reaches the sandbox's own Vault through VAULT_ADDR, even when the config names an address", () => {
    const withAddress = { ...example, vault: { ...example.vault, address: "https://vault.example.com" } };
    expect(synth(withAddress).stacks.vault.provider.vault[0]).toEqual({ address: "https://vault.example.com" });
    expect(synth(withAddress, { sandbox }).stacks.vault.provider.vault[0]).toEqual({});
  });
  test("gives every stack a local state file in the sandbox's folder", () => {
    expect(sandboxed["aws-dev"].terraform.backend).toEqual({ local: { path: "/tmp/sandbox-state/aws-dev.tfstate" } });
  });
  test("changes nothing else: every resource, output and the rest of each provider are the normal synth's", () => {
    for (const name of Object.keys(normal)) {
      expect(withoutSandboxParts(sandboxed[name])).toEqual(withoutSandboxParts(normal[name]));
    }
  });
  test("is off unless SANDBOX_AWS_ENDPOINT names an emulator (main.test.ts holds the normal synth to its bytes)", () => {
    expect(sandboxFromEnv({})).toBeUndefined();
    expect(sandboxFromEnv({ SANDBOX_AWS_ENDPOINT: "" })).toBeUndefined();
    expect(JSON.stringify(normal)).not.toContain("127.0.0.1");
  });
});

describe("sandboxFromEnv", () => {
  test("reads the endpoint and state folder", () => {
    expect(sandboxFromEnv({ SANDBOX_AWS_ENDPOINT: "http://127.0.0.1:1", SANDBOX_STATE_DIR: "/s" })).toEqual({
      awsEndpoint: "http://127.0.0.1:1",
      stateDir: "/s",
    });
  });
  test("refuses an endpoint without a state folder", () => {
    expect(() => sandboxFromEnv({ SANDBOX_AWS_ENDPOINT: "http://127.0.0.1:1" })).toThrow(
      "SANDBOX_AWS_ENDPOINT is set but SANDBOX_STATE_DIR is not: name the folder for the sandbox's state files",
    );
  });
});
