#!/bin/sh
# Builds the sandbox's filesystem in a fresh mount namespace, then runs the rest of the command
# line inside it. Usage: setup-root.sh ROOT WORK_MB READ_ONLY_PATH... -- COMMAND...
# ROOT (an empty host directory) gets a tmpfs holding: the system's /usr (and /bin, /lib... as
# they are on the host), the READ_ONLY_PATHs (Python, its venv, the worker) bound read-only at
# their own paths, /dev/{null,zero,random,urandom}, and /sandbox and /tmp, two folders of one
# WORK_MB tmpfs, the only writable places. A READ_ONLY_PATH may lie under /tmp (a clone in
# /tmp/x): the folders made in /tmp to reach it are read-only binds of themselves, which the
# code can neither write into nor rename, and which worker.py keeps when it empties /tmp.
# The root is then made read-only, pivot_root(2) moves into it and the host's tree is detached,
# so nothing outside is reachable, for reading or writing.
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
mkdir "$root/usr" "$root/dev" "$root/sandbox" "$root/tmp" "$root/.old" "$root/proc" "$root/.work"
# One tmpfs, one size limit, for both writable folders; its own root is unmounted, only they stay.
mount -t tmpfs -o "size=${work_mb}m,mode=0755,nosuid,nodev" boxed-work "$root/.work"
mkdir -m 0777 "$root/.work/sandbox"
mkdir -m 1777 "$root/.work/tmp"
for folder in sandbox tmp; do
  mount --bind "$root/.work/$folder" "$root/$folder"
  mount -o remount,bind,nosuid,nodev "$root/$folder"
done
umount "$root/.work"
rmdir "$root/.work"
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
for entry in "$root"/tmp/* "$root"/tmp/.*; do
  case ${entry##*/} in . | ..) continue ;; esac
  [ -d "$entry" ] || continue # an unmatched pattern
  mountpoint -q "$entry" || { mount --rbind "$entry" "$entry" && mount -o remount,bind,ro,nosuid,nodev "$entry"; }
done
for device in null zero random urandom; do
  touch "$root/dev/$device" && mount --bind "/dev/$device" "$root/dev/$device"
done
mount -o remount,bind,ro,nosuid,nodev "$root" # the mount, not the tmpfs: what a user namespace may do
# umount(8) and unshare(1) read /proc/self: the host's /proc stays here until COMMAND (unshare
# --pid --mount-proc) mounts its own pid namespace's /proc over it (and cannot unmount it).
mount --rbind /proc "$root/proc"
cd "$root"
pivot_root . .old
umount -l /.old
cd /
exec "$@"
