"""``python -m stripper``: run the command line (see `stripper.cli`)."""

import signal
import sys

from .cli import main


def _stop(signum: int, frame: object) -> None:
    """Treat SIGTERM like Ctrl-C, so half-written temp files are removed."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    sys.exit(main())
