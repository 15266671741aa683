"""The bad-input corpus of ``scripts/bad_inputs.py``, its quick cases: the
command line over each, in a folder and named, with no traceback, no
original changed, no output lost and every failure named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_quick_bad_inputs_give_no_traceback_change_no_original_and_name_every_failure() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bad_inputs.py"), "--fast"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1]
    assert "0 tracebacks, 0 originals changed, 0 outputs lost, 0 failures not named" in summary, (
        done.stdout[-3000:] + done.stderr[-3000:]
    )
    assert done.returncode == 0
