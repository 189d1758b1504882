"""The `kexie` commands: the only place where problems become exit codes."""

from generator.cli.main import cli, main

__all__ = ["cli", "main"]
