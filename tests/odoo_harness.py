"""Start a real Odoo server on a free localhost port: for the end-to-end suite
(conftest.py) and the HTTP benchmarks (bench/bench_http.py)."""

import os
import socket
import subprocess
import sys
import time

from odoo_rpc import OdooRPC


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServerError(RuntimeError):
    pass


def start_odoo_server(db, log_path, smtp_port=None, timeout=180):
    """Popen of ``odoo-bin`` serving ``db`` and its URL, once it answers JSON-RPC.

    Paths come from the environment the project's scripts set: ODOO_PATH,
    ODOO_ADDONS_PATH, ODOO_DATA_DIR. Crons are off: tests trigger what they need.
    queue_job is loaded server-wide, so its job runner (a thread of this server)
    runs the background jobs (long visitor lists, large thank-you mails).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        f"{os.environ.get('ODOO_PATH', '/opt/odoo')}/odoo-bin",
        f"--addons-path={os.environ['ODOO_ADDONS_PATH']}",
        f"--data-dir={os.environ['ODOO_DATA_DIR']}",
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--http-port={port}",
        f"--gevent-port={free_port()}",
        "--http-interface=127.0.0.1",
        "--max-cron-threads=0",
        "--load=base,web,queue_job",
        "--workers=0",
        "--log-level=info",
    ]
    if smtp_port:
        command += ["--smtp=127.0.0.1", f"--smtp-port={smtp_port}"]
    log = open(log_path, "wb")  # noqa: SIM115 (the process writes to it)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise OdooServerError(
                f"Odoo server exited with {process.returncode}; see {log_path}"
            )
        try:
            OdooRPC.jsonrpc(url, "common", "version", timeout=5)
            return process, url
        except OSError:
            if time.monotonic() > deadline:
                stop_odoo_server(process)
                raise OdooServerError(
                    f"Odoo server did not answer on {url} within {timeout} s"
                ) from None
            time.sleep(0.5)


def stop_odoo_server(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    process.log.close()
