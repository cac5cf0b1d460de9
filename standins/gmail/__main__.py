"""`python -m standins.gmail --port 8080 [--tokens DIR]`: serve the Gmail API's
users.messages.send on 127.0.0.1 until Ctrl-C or SIGTERM, printing each message sent.

Tokens are those of `python -m standins.oauth --folder DIR` (checked with DIR/token-signing.pem).
Without --tokens, a token stand-in is started in this process too, with its files in a new
temporary folder. Point the job at it with delivery.gmail_endpoint: http://127.0.0.1:8080.
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from standins.gmail import start
from standins.oauth import verifier


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m standins.gmail", description=__doc__)
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--tokens", type=Path, help="folder of a running `python -m "
                   "standins.oauth` (default: start one here)")
    p.add_argument("--tokens-port", type=int, default=8443,
                   help="port of the token stand-in started here (without --tokens)")
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    gmail = None
    try:
        if args.tokens:
            check = verifier((args.tokens / "token-signing.pem").read_bytes())
        else:
            from standins.oauth.__main__ import serve
            check = serve(args.tokens_port).service.verify
        gmail = start(check, port=args.port)
        print(f"Gmail API stand-in on {gmail.url}", flush=True)
        seen = 0
        while True:
            time.sleep(0.5)
            for sent in gmail.api.sent[seen:]:
                print(f"sent as {sent.user} to {', '.join(sent.recipients)}: "
                      f"{sent.message['Subject']}", flush=True)
            seen = len(gmail.api.sent)
    except KeyboardInterrupt:
        if gmail is not None:
            gmail.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
