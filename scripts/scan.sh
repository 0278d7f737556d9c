#!/usr/bin/env bash
# Scans the synthesized Terraform with checkov, the scanner users run, with the project's
# .checkov.yaml: the example accounts.yaml and a generated 1,000-account config. Prints one line
# per config; exits non-zero on any failed check. Run it as `npm run scan`, which builds dist/ first.
#
# checkov is installed, pinned, into a virtual env outside the repo, reused when present:
# ${XDG_CACHE_HOME:-~/.cache}/vault-aws/checkov-venv-<version>. PYTHON names the interpreter
# (default python3, 3.9 or later).
set -euo pipefail
export LC_ALL=C # a decimal point in $EPOCHREALTIME

# Seconds since an earlier $EPOCHREALTIME, to a tenth.
seconds_since() { awk -v from="$1" -v to="$EPOCHREALTIME" 'BEGIN { printf "%.1f", to - from }'; }

CHECKOV_VERSION=3.3.30
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/vault-aws/checkov-venv-$CHECKOV_VERSION"
checkov="$venv/bin/checkov"

if [[ ! -f "$root/dist/main.js" || ! -f "$root/dist/scripts/checkov-summary.js" ]]; then
  echo "scan: $root/dist is missing or incomplete: run \"npm run scan\", which builds it" >&2
  exit 1
fi

# The marker is written last, so an interrupted install is never reused.
if [[ -f "$venv/.installed" ]]; then
  echo "scan: reusing checkov $CHECKOV_VERSION in $venv"
else
  echo "scan: installing checkov $CHECKOV_VERSION into $venv"
  start=$EPOCHREALTIME
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
  touch "$venv/.installed"
  echo "scan: installed in $(seconds_since "$start") s"
fi
version="$("$checkov" --version 2>/dev/null || true)"
if [[ "$version" != "$CHECKOV_VERSION" ]]; then
  echo "scan: $checkov reports version \"$version\", expected $CHECKOV_VERSION: delete $venv and run again" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/vama-scan-XXXXXX")"
trap 'rm -rf "$work"' EXIT
# On a signal, exit (and so clean up) once the running command has ended, not while it still writes.
trap 'exit 130' INT
trap 'exit 143' TERM

skipped="$(cd "$root" && node -e 'console.log((require("yaml").parse(require("fs").readFileSync(".checkov.yaml", "utf8"))?.["skip-check"] ?? []).join(", ") || "none")')"
echo "scan: checkov $CHECKOV_VERSION; off in .checkov.yaml: $skipped"

# scan LABEL ACCOUNTS_FILE: synthesize the config with the project's own synth, then scan its stacks.
failures=0
scan() {
  local label="$1" file="$2" out="$work/$1" start synth_s scan_s code=0
  mkdir -p "$out"
  start=$EPOCHREALTIME
  (cd "$root" && ACCOUNTS_FILE="$file" CDKTF_OUTDIR="$out/cdktf.out" node dist/main.js)
  synth_s=$(seconds_since "$start")
  # checkov 3.3.30's terraform_json parser takes every top-level block as labelled, so it fails on
  # Terraform's unlabelled `removed` blocks (the vault stack's release of the roles it held before
  # the vault-roles-NN stacks; docs/scale.md, "The Vault stacks at 1,000 accounts") and then skips the whole file. They hold no
  # resource, so the scanned copy leaves them out and every resource is still scanned.
  (cd "$root" && node -e '
    const fs = require("node:fs"), path = require("node:path");
    const stacks = path.join(process.argv[1], "stacks");
    for (const stack of fs.readdirSync(stacks)) {
      const file = path.join(stacks, stack, "cdk.tf.json");
      const json = JSON.parse(fs.readFileSync(file, "utf8"));
      if (json.removed) { delete json.removed; fs.writeFileSync(file, JSON.stringify(json, null, 2)); }
    }' "$out/cdktf.out")
  start=$EPOCHREALTIME
  # checkov exits 1 on failed checks; the summary below says which. Other codes are its own errors.
  "$checkov" -d "$out/cdktf.out/stacks" --framework terraform_json --config-file "$root/.checkov.yaml" \
    --compact --quiet --skip-download -o cli -o json --output-file-path "console,$out/report.json" \
    >"$out/checkov.log" 2>&1 || code=$?
  scan_s=$(seconds_since "$start")
  if [[ $code -gt 1 || ! -s "$out/report.json" ]]; then
    echo "scan: checkov failed (exit code $code) on $label:" >&2
    tail -n 30 "$out/checkov.log" >&2
    failures=$((failures + 1))
    return
  fi
  node "$root/dist/scripts/checkov-summary.js" "$out/report.json" "$label" " (synth ${synth_s} s, scan ${scan_s} s)" \
    || failures=$((failures + 1))
}

scan example "$root/accounts.yaml"
node "$root/dist/scripts/write-generated-config.js" "$work/accounts-1000.yaml" 1000 2
scan 1000-accounts "$work/accounts-1000.yaml"

if [[ $failures -gt 0 ]]; then
  echo "scan: $failures of 2 configs failed" >&2
  exit 1
fi
