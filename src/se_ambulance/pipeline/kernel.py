"""Kernels for papermill: a clean log, a retry when two kernels race for a port, a quick stop.

Each kernel's stderr goes to a pipe that this process reads, so that two harmless messages every
kernel prints ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in
kernel" at shutdown) are dropped and anything else is shown, labelled with its chapter. The same
text tells a kernel that died because another kernel took its port ("Address already in use") from
any other failure: only that one is retried. The kernels started here are recorded so that an
interrupted build (Ctrl-C, SIGTERM) can stop them instead of waiting for their chapters to end.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

# Messages that say nothing about the book; matched as substrings of one line / log record.
NOISE = ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in kernel")
PORT_IN_USE = ("Address already in use", "EADDRINUSE")
PORT_RETRIES = 2  # attempts after the first
# After stop_kernels(): the kernels were stopped on purpose, so their clients' complaints are noise too.
STOPPED_NOISE = ("Kernel died", "kernel died", "Kernel didn't respond")
_stopping = threading.Event()

_live: set[KernelStderr] = set()
_live_lock = threading.Lock()


def is_noise(text: str) -> bool:
    return any(n in text for n in NOISE) or (_stopping.is_set() and any(n in text for n in STOPPED_NOISE))


class NoiseFilter(logging.Filter):
    """Drops the harmless kernel messages from in-process loggers (jupyter_client, traitlets, papermill)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            return not is_noise(record.getMessage())
        except Exception:  # a record that cannot be formatted is not ours to judge
            return True


_FILTER = NoiseFilter()


def install_log_filters() -> None:
    for name in ("", "traitlets", "jupyter_client", "papermill", "nbclient", "IPKernelApp"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for h in logger.handlers:
            if _FILTER not in h.filters:
                h.addFilter(_FILTER)


def begin_run() -> None:
    """Before executing chapters: filters in place, and no leftover "stopping" state from an earlier run."""
    install_log_filters()
    _stopping.clear()


class KernelStderr:
    """The stderr of one kernel, read line by line on a thread; noise is dropped, the rest kept."""

    def __init__(self) -> None:
        self._r, self._w = os.pipe()
        self.lines: list[str] = []
        self.pid: int | None = None
        self._thread = threading.Thread(target=self._read, daemon=True, name="kernel-stderr")
        self._thread.start()
        with _live_lock:
            _live.add(self)

    @property
    def fd(self) -> int:
        return self._w

    def _read(self) -> None:
        with os.fdopen(self._r, "r", encoding="utf-8", errors="replace") as f:
            for line in f:
                if not is_noise(line):
                    self.lines.append(line.rstrip("\n"))

    def close_writer(self) -> None:
        """After the kernel has started: only the kernel holds the pipe, so it ends when the kernel does."""
        if self._w >= 0:
            os.close(self._w)
            self._w = -1

    def finish(self, timeout: float = 2.0) -> str:
        """Everything the kernel printed that is not noise (waits briefly for the kernel to exit)."""
        self.close_writer()
        self._thread.join(timeout)
        with _live_lock:
            _live.discard(self)
        return "\n".join(self.lines).strip()

    def text(self) -> str:
        return "\n".join(self.lines)


Launch = Callable[[list[str], dict[str, str]], tuple[list[str], dict[str, str]]]


def kernel_manager_class(capture: KernelStderr, launch: Launch | None = None) -> type:
    """An AsyncKernelManager whose kernel writes its stderr into `capture`; `launch` may change the kernel's command
    and environment (a warm kernel, see warm.py)."""
    from jupyter_client import AsyncKernelManager

    class CapturingKernelManager(AsyncKernelManager):
        stderr_capture = capture

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            if launch is not None:
                kernel_cmd, kw["env"] = launch(kernel_cmd, dict(kw.get("env") or os.environ))
            kw["stderr"] = capture.fd
            try:
                await super()._async_launch_kernel(kernel_cmd, **kw)
                capture.pid = getattr(self.provisioner, "pid", None)
            finally:
                capture.close_writer()

    return CapturingKernelManager


def is_port_race(exc: BaseException, kernel_stderr: str = "") -> bool:
    """The kernel could not bind a port another kernel took between choosing and binding it."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if any(p in str(e) for p in PORT_IN_USE) or getattr(e, "errno", None) == 98:  # EADDRINUSE (Linux)
            return True
        e = e.__cause__ or e.__context__
    return any(p in kernel_stderr for p in PORT_IN_USE)


def stop_kernels() -> None:
    """Stop every kernel this process started and has not finished with (after an interrupt)."""
    _stopping.set()
    with _live_lock:
        pids = [c.pid for c in _live if c.pid]
    for pid in pids:
        try:
            if os.getpgid(pid) == pid:  # jupyter_client starts each kernel in its own session
                os.killpg(pid, signal.SIGTERM)
            else:
                os.kill(pid, signal.SIGTERM)
        except OSError:  # already gone
            pass


def backoff(attempt: int) -> None:
    time.sleep(0.2 * (attempt + 1))


__all__ = [
    "NOISE",
    "KernelStderr",
    "begin_run",
    "NoiseFilter",
    "install_log_filters",
    "is_noise",
    "is_port_race",
    "kernel_manager_class",
    "stop_kernels",
]
