# Sourced by scripts/test and scripts/bench: installs the pinned JavaScript reference packages in
# scripts/interop (npm ci), only when its package-lock.json changed since the last install.
install_interop() {
  local interop="$1/scripts/interop"
  local stamp="$interop/node_modules/.conch-lock-sha256"
  local lock_sum
  lock_sum="$(sha256sum "$interop/package-lock.json" | cut -c1-64)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
    echo "conch: installing the JavaScript reference packages (npm ci in scripts/interop)" >&2
    (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$lock_sum" > "$stamp"
  fi
}
