// Command vault is HashiCorp Vault's own CLI and server, built from the
// published Go module at the version go.mod pins. The sandbox runs it as
// `vault server -dev` on 127.0.0.1 only; see sandbox/vault-build.ts.
package main

import (
	"os"

	"github.com/hashicorp/vault/command"
)

func main() {
	os.Exit(command.Run(os.Args[1:]))
}
