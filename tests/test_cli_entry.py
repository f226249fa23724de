"""The ``studbook`` command's entry: help for every command, the version, no UI without a TTY."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib.metadata import version

import pytest
from clirun import run

from tui.cli import build_parser


def commands() -> list[str]:
    """Every subcommand the parser knows (so a newly added one is tested too)."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


class TestHelp:
    """``--help`` works for the program and for every command."""

    def test_program_help_lists_every_command(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``studbook --help`` exits 0 and names each command."""
        code, out, _ = run(capsys, "--help")
        assert code == 0
        assert all(name in out for name in commands())

    @pytest.mark.parametrize("command", commands())
    def test_command_help(self, command: str, capsys: pytest.CaptureFixture[str]) -> None:
        """``studbook COMMAND --help`` exits 0 and prints the command's usage."""
        code, out, _ = run(capsys, command, "--help")
        assert code == 0
        assert out.startswith(f"usage: studbook {command}")

    def test_percent_in_a_command_summary_is_shown_as_written(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A "%" in a command's one-line summary (summary: "% known") is printed, not a crash."""
        _, out, _ = run(capsys, "--help")
        assert "% known" in out


class TestVersion:
    """``--version`` comes from the installed package's metadata."""

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``studbook --version`` prints ``studbook X.Y.Z`` and exits 0."""
        code, out, _ = run(capsys, "--version")
        assert code == 0
        assert out.strip() == f"studbook {version('studbook')}"


class TestNoTerminal:
    """With no command and no terminal the UI is not started."""

    def test_bare_command_in_a_pipe_prints_usage_and_exits_2(self) -> None:
        """``studbook < /dev/null | cat``: usage on stderr, exit code 2, no hang."""
        result = subprocess.run(
            [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main([]))"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.startswith("usage: studbook")
        assert "needs a terminal" in result.stderr
