"""Warm kernels: each chapter's kernel is forked from a process that has already imported what chapters import.

A kernel started from nothing spends one to three seconds importing pandas, altair, statsmodels and the package
before its chapter's first real cell, and a full build starts ten of them: on two cores that was a third of the
build. The build starts one server process (`serve`) that imports those modules once; each kernel is then a fork
of it, a real IPython kernel (ipykernel's own `IPKernelApp`) whose imports are already done. Nothing else is shared:
the server only imports modules, never calls the package's functions or reads data, and each kernel sets its own
folder, environment and file descriptors from the request before ipykernel starts.

How a kernel is started: jupyter_client launches `warm_proxy.py` in place of `python -m ipykernel_launcher`. The
proxy sends the server its arguments, folder, environment and stdin/stdout/stderr (SCM_RIGHTS), receives the forked
kernel's pid, forwards signals to it (interrupts, SIGTERM when a build is stopped) and exits with its exit code, so
jupyter_client manages it like any kernel. If the server is not there, the proxy becomes an ordinary kernel
(`exec` of ipykernel_launcher): a warm kernel is an optimisation, never a requirement.

The same server runs the claims register beside the first chapters (`call`): a forked child computes it with the
modules already imported and returns the result.

Lifetime: the server reads its stdin, a pipe from the build; when the build ends (even killed with -9) the pipe
closes and the server stops every kernel it forked and exits. A proxy whose connection closes stops its kernel the
same way. `SE_AMBULANCE_WARM_KERNELS=0` turns warm kernels off (every kernel then starts from nothing).

Why hand-written: no maintained package forks Jupyter kernels from a warmed process (kernel pools such as voilà's
start ordinary kernels ahead of time, which moves the import time but does not save it); this is about 200 lines
of the standard library around ipykernel's public entry point.

Also here, for `build.check_reads`: a kernel whose environment names `SE_AMBULANCE_READS_LOG` appends to that file the
name of every file it opens in `SE_AMBULANCE_RAW_DIR` (the pinned data), through a Python audit hook (`record_reads`;
a kernel started from nothing runs it first through ipykernel's `exec_lines`).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

ENV_SWITCH = "SE_AMBULANCE_WARM_KERNELS"
READS_LOG = "SE_AMBULANCE_READS_LOG"
RAW_DIR = "SE_AMBULANCE_RAW_DIR"
PROXY = Path(__file__).with_name("warm_proxy.py")
LAUNCHER = "ipykernel_launcher"
MAX_MESSAGE = 1 << 22


def enabled() -> bool:
    """On unless turned off; Linux only (forking a process that has loaded system frameworks is unsafe on macOS)."""
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in (
        "0",
        "false",
        "no",
        "off",
    ) and sys.platform.startswith("linux")


# --- messages: one JSON object per line -----------------------------------------------------------------------


def send(sock: socket.socket, obj: Any, fds: list[int] | None = None) -> None:
    data = json.dumps(obj).encode() + b"\n"
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.sendall(data)


class Reader:
    """Reads newline-terminated JSON messages from a socket (and file descriptors sent with the first bytes)."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buf = sock, b""
        self.fds: list[int] = []

    def message(self, with_fds: bool = False) -> Any | None:
        while b"\n" not in self.buf:
            if with_fds and not self.fds:
                data, fds, _, _ = socket.recv_fds(self.sock, 65536, 3)
                self.fds += fds
            else:
                data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
            if len(self.buf) > MAX_MESSAGE:
                raise ValueError("message too long")
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)


# --- the server ---------------------------------------------------------------------------------------------------


class _InAKernel:
    """What `get_ipython()` returns, as far as import-time checks look: a shell that has a kernel."""

    kernel = True


def preload(modules: list[str]) -> list[str]:
    """Import each module as it would be imported in a kernel; one that fails is skipped (its chapter's kernel
    imports it and shows the error).

    Some libraries decide defaults when imported by asking whether they run in a Jupyter kernel (pandas sets
    `display.max_columns` to 20 in a kernel and to 0, "fit the terminal", elsewhere, through a `get_ipython`
    builtin that has a `kernel`). The server is not a kernel yet, so while it imports it answers as the kernels it
    forks will; a test compares every chapter executed in a warm kernel with the same chapter in a fresh one."""
    import builtins
    import importlib

    failed = []
    builtins.get_ipython = _InAKernel  # type: ignore[attr-defined]
    try:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - any import error belongs to the chapter that imports the module
                failed.append(name)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
    return failed


RECORD_READS = f"__import__('{__name__}', fromlist=['record_reads']).record_reads()"  # for a kernel's exec_lines


def record_reads() -> None:
    """In a kernel: record the pinned data files it opens, if its environment asks for it (READS_LOG, RAW_DIR). A
    warm kernel calls this when forked; a kernel started from nothing runs it first (IPKernelApp.exec_lines), which
    leaves no trace in its namespace or history."""
    if os.environ.get(READS_LOG) and os.environ.get(RAW_DIR):
        _install_reads_log(os.environ[READS_LOG], os.environ[RAW_DIR])


def cold_command(kernel_cmd: list[str]) -> list[str]:
    """`python -m ipykernel_launcher ARGS` that records its reads (see record_reads); any other command unchanged."""
    if len(kernel_cmd) < 3 or kernel_cmd[1:3] != ["-m", LAUNCHER]:
        return kernel_cmd
    return [*kernel_cmd, f"--IPKernelApp.exec_lines={RECORD_READS}"]


def _install_reads_log(log_path: str, raw_dir: str) -> None:
    """Record the name of every file opened in raw_dir (the pinned data) into log_path, once each."""
    raw_abs = os.path.abspath(raw_dir) + os.sep
    raw_real = os.path.realpath(raw_dir) + os.sep
    log = open(log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - open for the kernel's life
    seen: set[str] = set()

    def hook(event: str, args: tuple) -> None:
        if event != "open" or not args or isinstance(args[0], int) or args[0] is None:
            return
        try:
            path = os.fsdecode(args[0])
        except (TypeError, ValueError):
            return
        if "raw" not in path:  # cheap filter before any system call
            return
        path = os.path.abspath(path)
        if path.startswith(raw_abs) or os.path.realpath(path).startswith(raw_real):
            name = os.path.basename(path)
            if name not in seen:
                seen.add(name)
                log.write(name + "\n")

    sys.addaudithook(hook)


def _child_common(keep: int) -> None:
    """In a forked child: a session of its own, default signals, only its own connection open."""
    os.setsid()
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    for fd in list(_server_fds):
        if fd != keep:
            with contextlib.suppress(OSError):
                os.close(fd)


_server_fds: set[int] = set()


def _run_kernel(conn: socket.socket, request: dict, fds: list[int]) -> None:
    """In a forked child: become the kernel the request describes. Never returns."""
    code = 1
    try:
        _child_common(conn.fileno())
        for target, fd in zip((0, 1, 2), fds, strict=False):  # stdin, stdout, stderr as sent
            os.dup2(fd, target)
            os.close(fd)
        conn.close()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        record_reads()
        import importlib.util

        spec = importlib.util.find_spec(LAUNCHER)
        sys.argv = [spec.origin if spec and spec.origin else LAUNCHER, *request["argv"]]  # as `python -m` sets it
        from ipykernel import kernelapp

        # Traits whose defaults ipykernel reads from the environment when it is imported (in the server, whose
        # environment lacks what jupyter_client gives each kernel) are passed as they would have been read.
        parent = int(request["env"].get("JPY_PARENT_PID") or 0)
        kernelapp.launch_new_instance(argv=request["argv"], parent_handle=parent)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:  # noqa: BLE001 - the kernel's own failure, reported on its stderr
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _run_call(conn: socket.socket, request: dict) -> None:
    """In a forked child: call module:function(**kwargs) and send back its result or its error. Never returns."""
    try:
        _child_common(conn.fileno())
        os.chdir(request["cwd"])
        module, _, name = request["function"].partition(":")
        import importlib

        result = getattr(importlib.import_module(module), name)(**request["kwargs"])
        send(conn, {"result": result})
        code = 0
    except BaseException as e:  # noqa: BLE001 - reported to the caller, who raises it
        with contextlib.suppress(Exception):
            send(
                conn,
                {
                    "error": f"{type(e).__name__}: {e}",
                    "type": type(e).__name__,
                    "se_ambulance_error": _is_package_error(e),
                    "traceback": traceback.format_exc(),
                },
            )
        code = 1
    os._exit(code)


def _is_package_error(e: BaseException) -> bool:
    from se_ambulance.errors import SeAmbulanceError

    return isinstance(e, SeAmbulanceError)


def serve(path: str, modules: list[str]) -> None:
    """The server: listen at `path`, import `modules`, then fork a kernel (or a call) per request."""
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does; the kernel adds its own folder back
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    preload(["ipykernel.kernelapp", *modules])
    sys.stdout.write("ready\n")
    sys.stdout.flush()

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the selector through the wakeup fd
    signal.signal(signal.SIGTERM, _exit_on_signal)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, "accept")
    sel.register(wake_r, selectors.EVENT_READ, "child")
    sel.register(sys.stdin.fileno(), selectors.EVENT_READ, "lifeline")
    _server_fds.update({listener.fileno(), wake_r, wake_w, sys.stdin.fileno(), sel.fileno()})
    children: dict[int, socket.socket] = {}  # pid -> its requester's connection
    try:
        while True:
            for key, _ in sel.select():
                if key.data == "lifeline":
                    if not os.read(sys.stdin.fileno(), 4096):
                        return  # the build has gone
                elif key.data == "accept":
                    conn, _ = listener.accept()
                    _serve_one(conn, sel, children)
                elif key.data == "child":
                    with contextlib.suppress(OSError):
                        os.read(wake_r, 4096)
                    _reap(sel, children)
                else:  # a requester's connection closed (or spoke): stop its kernel
                    conn, pid = cast(socket.socket, key.fileobj), key.data
                    if children.get(pid) is not conn:
                        continue  # its child has ended and the connection is closed already
                    try:
                        gone = not conn.recv(4096)
                    except OSError:
                        gone = True
                    if gone:
                        with contextlib.suppress(OSError):
                            os.kill(pid, signal.SIGKILL)  # still our child (not reaped), so never another process
                        with contextlib.suppress(KeyError, ValueError):
                            sel.unregister(conn)
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.unlink(path)


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)  # the finally clause of serve() stops the kernels


def _serve_one(conn: socket.socket, sel: selectors.BaseSelector, children: dict[int, socket.socket]) -> None:
    try:
        conn.settimeout(10)
        reader = Reader(conn)
        request = reader.message(with_fds=True)
        conn.settimeout(None)
        if not isinstance(request, dict) or request.get("kind") not in ("kernel", "call"):
            raise ValueError("bad request")
    except (OSError, ValueError):
        conn.close()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        if request["kind"] == "kernel":
            _run_kernel(conn, request, reader.fds)
        _run_call(conn, request)
    for fd in reader.fds:
        os.close(fd)
    children[pid] = conn
    _server_fds.add(conn.fileno())
    with contextlib.suppress(OSError):
        send(conn, {"pid": pid})
    sel.register(conn, selectors.EVENT_READ, pid)


def _reap(sel: selectors.BaseSelector, children: dict[int, socket.socket]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = children.pop(pid, None)
        if conn is None:
            continue
        with contextlib.suppress(OSError, KeyError, ValueError):
            sel.unregister(conn)
        with contextlib.suppress(OSError):
            send(conn, {"exit": os.waitstatus_to_exitcode(status)})
        _server_fds.discard(conn.fileno())
        conn.close()


# --- the build's side ---------------------------------------------------------------------------------------------


class WarmKernels:
    """A running server; `proxy_command` turns a kernel command into a warm one, `call` runs a function in a fork."""

    def __init__(self, modules: list[str]):
        self.folder = Path(tempfile.mkdtemp(prefix="se-ambulance-warm-"))
        self.path = str(self.folder / "s")
        self.settled = threading.Event()  # the server has imported everything, or has died trying
        self.ready = False
        self._cold_taken = False
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "se_ambulance.pipeline.warm", self.path, *modules],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=self.folder,
        )
        threading.Thread(target=self._wait_ready, daemon=True, name="warm-ready").start()

    def _wait_ready(self) -> None:
        assert self.proc.stdout is not None
        self.ready = self.proc.stdout.readline().strip() == b"ready"
        self.settled.set()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_or_go_cold(self, timeout: float = 300) -> bool:
        """True: start this kernel warm (after waiting for the server if need be). False: start it from nothing —
        the first kernel asked for while the server is still importing (it uses the core the server leaves idle),
        or any kernel once the server has failed."""
        if not self.settled.is_set():
            with self._lock:
                if not self._cold_taken:
                    self._cold_taken = True
                    return False
            self.settled.wait(timeout)
        return self.ready and self.alive()

    def wait(self, timeout: float = 300) -> bool:
        """Wait until the server has imported everything; False if it failed."""
        self.settled.wait(timeout)
        return self.ready and self.alive()

    def proxy_command(self, kernel_cmd: list[str]) -> list[str]:
        """`python -m ipykernel_launcher ARGS` as a warm kernel; any other command unchanged."""
        if not self.alive() or len(kernel_cmd) < 3 or kernel_cmd[1:3] != ["-m", LAUNCHER]:
            return kernel_cmd
        return [kernel_cmd[0], "-I", "-S", str(PROXY), self.path, *kernel_cmd[3:]]

    def call(self, function: str, **kwargs: Any) -> Any:
        """`module:function(**kwargs)` in a fork of the server; its result (JSON), or CallFailed."""
        if not self.wait():
            raise CallFailed(f"{function}: the warm kernel server is not running", "", False)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(self.path)
            send(sock, {"kind": "call", "function": function, "kwargs": kwargs, "cwd": os.getcwd()})
            reader = Reader(sock)
            reply = reader.message()  # the child's pid
            while reply is not None and "pid" in reply:
                reply = reader.message()
        finally:
            sock.close()
        if reply is None or "exit" in reply:
            raise CallFailed(f"{function} ended without a result", "", False)
        if "error" in reply:
            raise CallFailed(reply["error"], reply.get("traceback", ""), bool(reply.get("se_ambulance_error")))
        return reply["result"]

    def close(self) -> None:
        """Stop the server and everything it forked (idempotent)."""
        if self.proc.stdin:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()  # the lifeline: the server stops its kernels and exits
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class CallFailed(Exception):
    def __init__(self, message: str, trace: str, package_error: bool):
        super().__init__(message)
        self.trace, self.package_error = trace, package_error


_active: WarmKernels | None = None
_active_lock = threading.Lock()


def active() -> WarmKernels | None:
    """The server of the build running now, if any."""
    return _active


@contextlib.contextmanager
def kernels(modules: list[str]) -> Iterator[WarmKernels | None]:
    """A warm server for the duration of a build (None when turned off or unavailable)."""
    global _active
    if not enabled():
        yield None
        return
    try:
        server = WarmKernels(modules)
    except OSError:
        yield None
        return
    with _active_lock:
        previous, _active = _active, server
    try:
        yield server
    finally:
        with _active_lock:
            _active = previous
        server.close()


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
