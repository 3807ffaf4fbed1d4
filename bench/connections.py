"""What held connections cost the standalone server: address space and resident memory per connection.

    python -m bench.connections                          # 120 connections idle, then inside large heads
    python -m bench.connections --connections 300 --head-bytes 6000000

Starts ``python -m pytest_s3mpu --port 0`` from the current directory (so a checkout of another version
can be measured the same way), opens the connections on 127.0.0.1, and reads the server's VmSize and
VmRSS from /proc (Linux only) before and while they are held. Figures, not assertions (issue 15).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time

KIB = 1024


def _status(pid: int) -> dict[str, int]:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        text = handle.read()
    return {name: int(re.search(rf"{name}:\s+(\d+) kB", text).group(1)) * KIB for name in ("VmSize", "VmRSS")}  # type: ignore[union-attr]


def _hold(port: int, count: int, head_bytes: int) -> list[socket.socket]:
    """``count`` connections, each having sent ``head_bytes`` of header lines and no end of head."""
    held = []
    line = b"x-pad: " + b"p" * 60_000 + b"\r\n"
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sent = sock.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n") if head_bytes else 0
        with_lines = b""
        while sent + len(with_lines) < head_bytes:
            with_lines += line
        try:
            if with_lines:
                sock.sendall(with_lines[: max(head_bytes - sent, 0)])
        except OSError:
            pass  # refused (header section too large) and closed by the server
        held.append(sock)
    return held


def _still_open(socks: list[socket.socket]) -> int:
    open_ = 0
    for sock in socks:
        sock.setblocking(False)
        try:
            sock.recv(1, socket.MSG_PEEK)  # an answer (the head refused) or the end: not held
        except BlockingIOError:
            open_ += 1
        except OSError:
            pass
    return open_


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=120)
    parser.add_argument("--head-bytes", type=int, default=6_000_000)
    args = parser.parse_args()
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_s3mpu", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().rsplit(":", 1)[1])
        time.sleep(0.5)
        base = _status(process.pid)
        idle = f"VmSize {base['VmSize'] / KIB**2:.0f} MiB, VmRSS {base['VmRSS'] / KIB**2:.0f} MiB"
        print(f"server {os.getcwd()}: idle {idle}")
        for label, head_bytes in (
            ("idle (no byte sent)", 0),
            (f"inside a {args.head_bytes:,}-byte head", args.head_bytes),
        ):
            socks = _hold(port, args.connections, head_bytes)
            time.sleep(1.0)
            now = _status(process.pid)
            held = _still_open(socks)
            per = max(held, 1)
            print(
                f"{args.connections} connections {label}: {held} held open; "
                f"VmSize +{(now['VmSize'] - base['VmSize']) / KIB**2:.1f} MiB "
                f"({(now['VmSize'] - base['VmSize']) / per / KIB:.0f} KiB each), "
                f"VmRSS +{(now['VmRSS'] - base['VmRSS']) / KIB**2:.1f} MiB "
                f"({(now['VmRSS'] - base['VmRSS']) / per / KIB:.0f} KiB each)"
            )
            for sock in socks:
                sock.close()
            time.sleep(1.0)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
