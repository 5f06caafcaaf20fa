# Sourced by scripts/test: the browser tests (WebClientIT) drive Debian's Chromium at /usr/bin/chromium
# through playwright-core. Installs it with apt when it is missing and this user may (root, or sudo
# without a password); otherwise says how, and the browser tests will report it missing.
install_browser() {
  [ -x /usr/bin/chromium ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "conch: /usr/bin/chromium is missing and installing it needs root: apt-get install chromium" >&2
      return 0
    fi
  fi
  echo "conch: installing Debian's chromium for the browser tests (apt-get install chromium)" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
}
