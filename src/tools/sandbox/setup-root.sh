#!/bin/sh
# Builds the sandbox's filesystem in a fresh mount namespace, then runs the rest of the command
# line inside it. Usage: setup-root.sh ROOT WORK_MB READ_ONLY_PATH... -- COMMAND...
# ROOT (an empty host directory) gets a tmpfs holding: the system's /usr (and /bin, /lib... as
# they are on the host), the READ_ONLY_PATHs (Python, its venv, the worker) bound read-only at
# their own paths, /dev/{null,zero,random,urandom}, and /sandbox, a WORK_MB tmpfs, the only
# writable place (/tmp points there). The root is then made read-only, pivot_root(2) moves into
# it and the host's tree is detached, so nothing outside is reachable, for reading or writing.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
root=$1
work_mb=$2
shift 2

bind_read_only() { # SOURCE TARGET
  mount --bind "$1" "$2"
  mount -o remount,bind,ro,nosuid,nodev "$2"
}

mount -t tmpfs -o size=8m,mode=0755,nosuid,nodev boxed-sandbox "$root"
mkdir "$root/usr" "$root/dev" "$root/sandbox" "$root/.old" "$root/proc"
bind_read_only /usr "$root/usr"
for top in /bin /sbin /lib /lib32 /lib64 /libx32; do
  if [ -L "$top" ]; then
    ln -s "$(readlink "$top")" "$root$top"
  elif [ -d "$top" ]; then
    mkdir "$root$top" && bind_read_only "$top" "$root$top"
  fi
done
if [ -f /etc/ld.so.cache ]; then
  mkdir "$root/etc" && touch "$root/etc/ld.so.cache" && bind_read_only /etc/ld.so.cache "$root/etc/ld.so.cache"
fi
while [ "$1" != "--" ]; do
  mkdir -p "$root$1" && bind_read_only "$1" "$root$1"
  shift
done
shift
for device in null zero random urandom; do
  touch "$root/dev/$device" && mount --bind "/dev/$device" "$root/dev/$device"
done
mount -t tmpfs -o "size=${work_mb}m,mode=0777,nosuid,nodev" boxed-work "$root/sandbox"
ln -s sandbox "$root/tmp"
mount -o remount,ro,nosuid,nodev "$root"
# umount(8) and unshare(1) read /proc/self: the host's /proc stays here until COMMAND (unshare
# --pid --mount-proc) mounts its own pid namespace's /proc over it (and cannot unmount it).
mount --rbind /proc "$root/proc"
cd "$root"
pivot_root . .old
umount -l /.old
cd /
exec "$@"
