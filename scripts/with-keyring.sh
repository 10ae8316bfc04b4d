#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a freshly created, unlocked gnome-keyring,
# so tests use the real OS keychain (Secret Service) without touching the user's own keyring.
#   scripts/with-keyring.sh npx vitest run
set -euo pipefail
if [ "$#" -eq 0 ]; then echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; fi
if [ -n "${UMBRELLA_PSA_KEYRING:-}" ]; then exec "$@"; fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is missing. On Debian/Ubuntu: sudo apt-get install dbus dbus-x11 gnome-keyring libsecret-1-dev" >&2
    exit 2
  fi
done
# A fresh keyring folder each run: an old login.keyring with another password would stay locked.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home" UMBRELLA_PSA_KEYRING=1
# dbus-daemon chatters on stderr (fd limits, service activation); drop that, keep the rest, and
# keep the command's own exit status. The pipeline ends only when the filter is done.
set +e
{
  dbus-run-session -- bash -c '
    printf %s "throwaway-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || {
      echo "gnome-keyring-daemon could not start and unlock a keyring" >&2; exit 2; }
    exec "$@"' bash "$@" 2>&1 1>&3 3>&- | grep -v --line-buffered '^dbus-daemon\[' >&2
  exit "${PIPESTATUS[0]}"
} 3>&1
