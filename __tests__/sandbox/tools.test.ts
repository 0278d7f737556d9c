import { MissingToolError, requireSandboxTools } from "../../sandbox/tools";

describe("requireSandboxTools", () => {
  test("names every missing tool and how to get it, in one error", () => {
    expect(() => requireSandboxTools({ emulatorGiven: false }, { PATH: "/nonexistent" })).toThrow(
      new MissingToolError(
        "sandbox: the sandbox applies every stack with terraform 1.11 or later, which is not on the PATH: install it from https://developer.hashicorp.com/terraform/install\n" +
          "sandbox: the sandbox runs moto_server as its AWS emulator, which is not on the PATH: pip install 'moto[server]==5.2.1', or pass --endpoint with an emulator you already run",
      ),
    );
  });
  test("does not ask for moto_server when an emulator is given", () => {
    expect(() => requireSandboxTools({ emulatorGiven: true }, { PATH: "/nonexistent" })).toThrow(/terraform 1\.11 or later/);
    expect(() => requireSandboxTools({ emulatorGiven: true }, { PATH: "/nonexistent" })).not.toThrow(/moto_server/);
  });
  test("passes when both are on the PATH (as on this machine)", () => {
    expect(() => requireSandboxTools({ emulatorGiven: false })).not.toThrow();
  });
});
