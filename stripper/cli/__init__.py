"""The command line: argument parsing and the commands (`main`), a cleaning
run over many files (`session`, `jobs`), finding and reading inputs
(`inputs`) and writing outputs (`outputs`)."""

from .main import main

__all__ = ["main"]
