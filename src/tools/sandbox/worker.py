"""Warm Python interpreter inside the boxed sandbox (one per pool slot).

Runs as pid 1 of its own pid, network, IPC and user namespace, on a read-only root built by
`setup-root.sh`, with `/sandbox` and `/tmp` the only writable places (one size-limited tmpfs).
numpy and sympy are imported once; each request forks a child (milliseconds), which applies the
limits, drops every capability and runs the code in /sandbox. After the child ends, every other
process in the namespace is killed (kill(-1) from pid 1) and /sandbox and /tmp are emptied (but
for the read-only folders setup-root.sh made in /tmp), so no call sees another's state.

Protocol: one JSON request per line on stdin, one JSON result per line on stdout.
"""

import base64
import ctypes
import json
import os
import resource
import select
import shutil
import signal
import sys
import time

import numpy  # noqa: F401  (warm: children inherit the imported modules)
import sympy  # noqa: F401

WORK = "/sandbox"
TMP = "/tmp"
LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 4, 38


def drop_capabilities():
    """No capability left, none regained (capset(2) with empty sets, then no_new_privs)."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (Data * 2)()
    if LIBC.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")
    if LIBC.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")


def apply_limits(limits):
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_seconds"], limits["cpu_seconds"] + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_mb"] * mb,) * 2)
    # Counted per user namespace: pid 1 (this worker) + the child + what the code may start.
    resource.setrlimit(resource.RLIMIT_NPROC, (limits["max_processes"] + 2,) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["max_file_mb"] * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_child(request, stdin_fd, stdout_fd, stderr_fd):
    """In the forked child: never returns."""
    code = 1
    try:
        os.dup2(stdin_fd, 0)
        os.dup2(stdout_fd, 1)
        os.dup2(stderr_fd, 2)
        os.closerange(3, 1024)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.setsid()
        os.chdir(WORK)
        apply_limits(request["limits"])
        drop_capabilities()
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        import random

        random.seed()
        numpy.random.seed(int.from_bytes(os.urandom(4), "little"))
        import linecache

        linecache.cache["main.py"] = (len(request["code"]), None, request["code"].splitlines(True), "main.py")
        sys.argv = ["main.py"]
        namespace = {"__name__": "__main__", "__file__": os.path.join(WORK, "main.py")}
        exec(compile(request["code"], "main.py", "exec"), namespace)
        code = 0
    except SystemExit as exit_request:
        code = exit_request.code if isinstance(exit_request.code, int) else (0 if exit_request.code is None else 1)
        if not isinstance(exit_request.code, (int, type(None))):
            print(exit_request.code, file=sys.stderr)
    except BaseException as error:
        import traceback

        # The traceback starts at the code's own frames (this function's frame is left out).
        traceback.print_exception(type(error), error, error.__traceback__.tb_next)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
        os._exit(code)


def write_files(files):
    for path, content in files.items():
        target = os.path.realpath(os.path.join(WORK, path))
        if not target.startswith(WORK + "/"):
            raise ValueError(f"file path {path!r} leaves the sandbox directory")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(base64.b64decode(content) if content is not None else b"")


def fetch_files(paths, limit_bytes):
    found = {}
    for path in paths:
        target = os.path.realpath(os.path.join(WORK, path))
        if target.startswith(WORK + "/") and os.path.isfile(target) and os.path.getsize(target) <= limit_bytes:
            with open(target, "rb") as handle:
                found[path] = base64.b64encode(handle.read()).decode()
    return found


def collect(child, pipes, request):
    """Read stdout/stderr until the child exits, the wall time passes or the output limit is hit."""
    limits = request["limits"]
    deadline = time.monotonic() + limits["wall_seconds"]
    chunks = {pipes[0]: [], pipes[1]: []}
    exited = os.pidfd_open(child)  # readable once the child has exited
    open_fds = list(chunks)
    total, reason, status, usage = 0, None, None, None
    while reason is None and (open_fds or status is None):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            if status is None:
                reason = f"wall time limit of {limits['wall_seconds']} s exceeded"
            break
        watched = open_fds + ([exited] if status is None else [])
        ready, _, _ = select.select(watched, [], [], remaining)
        if exited in ready:
            _, status, usage = os.wait4(child, 0)
            # Descendants may keep the pipes open: only what arrives shortly after still counts.
            deadline = min(deadline, time.monotonic() + 0.2)
        for fd in (fd for fd in ready if fd in chunks):
            data = os.read(fd, 65536)
            if not data:
                open_fds.remove(fd)
                continue
            total += len(data)
            if total > limits["max_output_bytes"]:
                reason = f"output limit of {limits['max_output_bytes']} bytes exceeded"
                break
            chunks[fd].append(data)
    os.close(exited)
    if reason is None and status is not None and cpu_limit_hit(status, usage, limits["cpu_seconds"]):
        reason = f"cpu time limit of {limits['cpu_seconds']} s exceeded"
    return chunks, reason, status


def cpu_limit_hit(status, usage, cpu_seconds):
    """RLIMIT_CPU ends the child with SIGXCPU at the soft limit (SIGKILL at the hard one, if it ignored that)."""
    if not os.WIFSIGNALED(status) or os.WTERMSIG(status) not in (signal.SIGXCPU, signal.SIGKILL):
        return False
    return usage.ru_utime + usage.ru_stime >= cpu_seconds - 0.05


def kill_everything_else():
    """pid 1 of the namespace: kill(-1) reaches every other process in it; then reap them all."""
    if os.getpid() != 1:  # outside its own pid namespace kill(-1) would reach the whole machine
        raise SystemExit("worker.py: not pid 1 of a pid namespace, refusing kill(-1)")
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def empty_work_directories(kept_in_tmp):
    """Empties /sandbox and /tmp; `kept_in_tmp` are the read-only mounts there (the code cannot touch them)."""
    for folder, kept in ((WORK, ()), (TMP, kept_in_tmp)):
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            if name in kept:
                continue
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)


def handle(request, kept_in_tmp):
    started = time.monotonic()
    write_files(request.get("files") or {})
    stdin_read, stdin_write = os.pipe()
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    sys.stdout.flush()
    child = os.fork()
    if child == 0:
        run_child(request, stdin_read, out_write, err_write)
    for fd in (stdin_read, out_write, err_write):
        os.close(fd)
    stdin_data = (request.get("stdin") or "").encode()
    try:
        os.write(stdin_write, stdin_data[:65536])
    except BrokenPipeError:
        pass
    os.close(stdin_write)
    chunks, reason, status = collect(child, (out_read, err_read), request)
    kill_everything_else()
    os.close(out_read)
    os.close(err_read)
    elapsed = time.monotonic() - started
    files = fetch_files(request.get("fetch_files") or [], request["limits"]["max_output_bytes"])
    empty_work_directories(kept_in_tmp)
    return_code = os.waitstatus_to_exitcode(status) if status is not None and reason is None else None
    return {
        "status": "TimeLimitExceeded" if reason is not None and reason.startswith(("wall", "cpu")) else "Finished",
        "limit": reason,
        "execution_time": elapsed,
        "return_code": return_code,
        "stdout": b"".join(chunks[out_read]).decode("utf-8", "replace"),
        "stderr": b"".join(chunks[err_read]).decode("utf-8", "replace"),
        "files": files,
    }


def main():
    if os.getpid() != 1:
        raise SystemExit("worker.py runs only as pid 1 of its own pid namespace (started by boxed's sandbox)")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    LIBC.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    os.makedirs(WORK, exist_ok=True)
    kept_in_tmp = frozenset(os.listdir(TMP))  # setup-root.sh's read-only folders, before any code ran
    numpy.random.seed(0)  # the first seed call initialises numpy.random (~60 ms): once, here
    print(json.dumps({"ready": True, "pid": os.getpid()}), flush=True)
    for line in sys.stdin:
        try:
            result = handle(json.loads(line), kept_in_tmp)
        except Exception as error:  # a sandbox-side failure, reported, never fatal
            kill_everything_else()
            result = {"status": "Error", "message": f"{type(error).__name__}: {error}"}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
