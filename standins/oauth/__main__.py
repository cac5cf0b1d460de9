"""`python -m standins.oauth --port 8443 --folder DIR`: serve the token endpoints over HTTPS
until Ctrl-C or SIGTERM.

Writes into DIR: the CA to trust (`ca.pem`; export REQUESTS_CA_BUNDLE=DIR/ca.pem), a service
account key whose token_uri is this server (`service-account.json`, delegated the gmail.send
scope unless --no-delegation), an Entra app's certificate (`coaching-job.pem`) and the public key
that checks the tokens it issues (`token-signing.pem`, for `python -m standins.gmail --tokens`).
"""
from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path

from standins.oauth import TokenStandIn, app_certificate, start
from standins.smtp import make_certs

GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"
TENANT, CLIENT_ID, SECRET = "riverbend.example", "11111111-2222-3333-4444-555555555555", \
    "local-client-secret"


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(port: int, folder: Path | None = None, *, delegate: bool = True) -> TokenStandIn:
    """Start the token stand-in, write its files into `folder`, print what to point a job at."""
    folder = folder or Path(tempfile.mkdtemp(prefix="oauth-standin-"))
    folder.mkdir(parents=True, exist_ok=True)
    certs = make_certs(folder)
    standin = start(certs, port=port)
    tokens = standin.service
    key = tokens.service_account_key(folder)
    if delegate:
        tokens.delegate(next(iter(tokens.google.values())).client_id, GMAIL_SEND)
    cert_path, cert = app_certificate(folder)
    tokens.register_app(TENANT, CLIENT_ID, secret=SECRET, certificate=cert)
    (folder / "token-signing.pem").write_bytes(tokens.public_pem())
    print(f"Token stand-in on {standin.url} (CA: {certs.ca}; export "
          f"REQUESTS_CA_BUNDLE={certs.ca})\n"
          f"  Google: service account key {key}\n"
          f"  Entra:  authority {standin.url}, tenant {TENANT}, client ID {CLIENT_ID}, "
          f"secret {SECRET}, certificate {cert_path}\n"
          f"  tokens are checked with {folder / 'token-signing.pem'}", flush=True)
    return standin


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m standins.oauth", description=__doc__)
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--folder", type=Path, help="where to write the files (default: a new "
                   "temporary folder)")
    p.add_argument("--no-delegation", action="store_true",
                   help="do not grant the service account the gmail.send scope")
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    standin = None
    seen = 0
    try:
        standin = serve(args.port, args.folder, delegate=not args.no_delegation)
        while True:
            time.sleep(0.5)
            for issued in standin.service.issued[seen:]:
                print(f"issued: {issued.kind} token for {issued.who} ({issued.scope})",
                      flush=True)
            seen = len(standin.service.issued)
    except KeyboardInterrupt:
        if standin is not None:
            standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
