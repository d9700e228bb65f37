"""Throughput with wrk (Debian package ``wrk``): run it and read its report."""

from __future__ import annotations

import re
import subprocess

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"Not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def parse(output: str) -> dict:
    """Requests per second, request count, errors and latency percentiles (ms) from
    ``wrk --latency`` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not rps:
        raise ValueError("wrk printed no Requests/sec line:\n" + output)
    total = re.search(r"^\s*(\d+) requests in", output, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    latency = {
        f"p{int(float(pct))}": _ms(value)
        for pct, value in re.findall(r"^\s+([\d.]+)%\s+(\S+)", output, re.M)
    }
    return {
        "rps": float(rps[1]),
        "requests": int(total[1]) if total else 0,
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": sum(map(int, socket.groups())) if socket else 0,
        "latency_ms": latency,
    }


def run(url: str, *, cookie: str = "", threads: int, connections: int, seconds: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s"]
    command += ["--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, url], check=True, capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    return parse(output)
