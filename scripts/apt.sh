# Helpers of scripts/setup.sh for installing Debian packages without ever aborting the setup.
# Sourced, not run. A fresh Ubuntu often has unattended-upgrades holding the dpkg lock for
# minutes: apt_install waits for it for a bounded time (BIP_APT_WAIT seconds, default 300),
# says which process it waits for, and returns non-zero - with apt's own error shown - when
# the lock stays taken or apt fails, so the caller can carry on without the package.

BIP_APT_WAIT=${BIP_APT_WAIT:-300}
BIP_APT_POLL=${BIP_APT_POLL:-5}
BIP_APT_LOCKS=${BIP_APT_LOCKS:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}
APT_GAVE_UP=${APT_GAVE_UP:-0}
APT_UPDATED=${APT_UPDATED:-0}

# Prints "PID (command) on FILE" for the first lock file of BIP_APT_LOCKS that a process holds
# (apt's fcntl lock, or a flock(1) a script took); exit 0 if one is held, 1 if all are free.
# Read from /proc/locks, so it needs no tool and takes no lock itself.
apt_lock_holder() {
  "${PY_FOR_APT:-python3}" - $BIP_APT_LOCKS <<'PY'
import os, sys
try:
    locks = open("/proc/locks").read().splitlines()
except OSError:
    sys.exit(1)  # not Linux: apt's own DPkg::Lock::Timeout still waits
for path in sys.argv[1:]:
    try:
        st = os.stat(path)
    except OSError:
        continue
    want = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    for line in locks:
        f = line.split()
        if "->" in f:
            continue  # a process waiting for the lock, not holding it
        try:
            maj, mi, ino = f[5].split(":")
            pid = int(f[4])
            if (int(maj, 16), int(mi, 16), int(ino)) != want:
                continue
        except (IndexError, ValueError):
            continue
        try:
            name = open(f"/proc/{pid}/comm").read().strip()
        except OSError:
            name = "?"
        print(f"process {pid} ({name}) on {path}")
        sys.exit(0)
sys.exit(1)
PY
}

# Waits until no process holds an apt/dpkg lock, at most BIP_APT_WAIT seconds in all (the
# whole setup shares the budget); returns 1 when it gives up.
wait_for_apt_lock() {
  local holder waited=0
  while holder=$(apt_lock_holder); do
    if [ "$waited" -ge "$BIP_APT_WAIT" ]; then
      echo "note: the dpkg lock is still held by $holder after ${waited} s; giving up on apt" >&2
      echo "      (set BIP_APT_WAIT=SECONDS to wait longer, or run the setup again later)" >&2
      APT_GAVE_UP=1
      return 1
    fi
    if [ "$waited" -eq 0 ]; then
      echo "==> waiting up to ${BIP_APT_WAIT} s for the dpkg lock, held by $holder" \
        "(another package manager; on a fresh Ubuntu usually unattended-upgrades)"
    fi
    sleep "$BIP_APT_POLL"
    waited=$((waited + BIP_APT_POLL))
  done
  if [ "$waited" -gt 0 ]; then
    echo "    the dpkg lock is free after ${waited} s"
    BIP_APT_WAIT=$((BIP_APT_WAIT - waited))
  fi
  return 0
}

# apt_install WHAT PACKAGE...: install with apt-get; on failure show apt's output and return 1.
apt_install() {
  local what=$1 log rc=0
  shift
  if [ "$APT_GAVE_UP" = "1" ]; then
    echo "note: skipping $what ($*): apt was not available earlier in this setup" >&2
    return 1
  fi
  wait_for_apt_lock || return 1
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  # DPkg::Lock::Timeout covers a package manager starting between the check and apt-get.
  local opts=(-o "DPkg::Lock::Timeout=60" -q -y)
  if [ "$APT_UPDATED" != "1" ]; then
    if apt-get "${opts[@]}" update >"$log" 2>&1; then
      APT_UPDATED=1
    else
      echo "note: apt-get update failed (trying the package lists it has); apt said:" >&2
      tail -n 15 "$log" | sed 's/^/      /' >&2
    fi
  fi
  if ! apt-get "${opts[@]}" install "$@" >"$log" 2>&1; then
    rc=1
    echo "note: could not install $what ($*); apt said:" >&2
    tail -n 15 "$log" | sed 's/^/      /' >&2
  fi
  rm -f "$log"
  return "$rc"
}
