"""Stands in for `python -m ipykernel_launcher ARGS` when a warm kernel server runs (see warm.py).

Run as `python -I -S warm_proxy.py SOCKET ARGS`, with the standard library only (it starts in a few milliseconds).
It asks the server at SOCKET to fork a kernel with ARGS, this process's folder, environment and stdin/stdout/stderr;
then forwards signals to that kernel and exits with its exit code, so that jupyter_client can manage it like the
kernel it launched. If the server cannot be reached, it becomes that ordinary kernel instead (`exec`).
"""

import json
import os
import signal
import socket
import sys
import time

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def ordinary_kernel(args):
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *args])


def read_line(sock, buf):
    while b"\n" not in buf:
        data = sock.recv(65536)
        if not data:
            return None, buf
        buf += data
    line, _, rest = buf.partition(b"\n")
    return json.loads(line), rest


def main():
    path, args = sys.argv[1], sys.argv[2:]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        request = {"kind": "kernel", "argv": args, "cwd": os.getcwd(), "env": dict(os.environ)}
        socket.send_fds(sock, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        reply, buf = read_line(sock, b"")
    except OSError:
        reply = None
    if not reply or "pid" not in reply:
        sock.close()
        ordinary_kernel(args)
    pid = reply["pid"]

    def forward(signum, frame):
        try:
            os.kill(pid, signum)
        except OSError:
            pass

    for sig in FORWARDED:
        signal.signal(sig, forward)
    while True:
        try:
            reply, buf = read_line(sock, buf)
            break
        except InterruptedError:
            continue
        except OSError:
            reply = None
            break
    if reply and "exit" in reply:
        code = reply["exit"]
        sys.exit(code if code >= 0 else 128 - code)
    while True:  # the server went away: wait for the kernel to end
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit(1)
        time.sleep(0.1)


if __name__ == "__main__":
    main()
