"""Rule files are read with the ledger's file safety: a FIFO, a link to /dev/zero, a huge
file or a folder in ``<ledgers>/programs/`` is one problem (exit 3), never a hang.

The commands run in a fresh interpreter with a timeout: before the fix, opening the FIFO
or reading /dev/zero blocked every command forever.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cepledger.rules.load import MAX_RULE_FILE_BYTES, load_registry
import rules_helpers
from cli_helpers import TODAY, make_ledgers

REPO = Path(__file__).resolve().parent.parent

GOOD = rules_helpers.GOOD.format(id="small")


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_zero_link(path: Path) -> None:
    path.symlink_to("/dev/zero")


def make_huge(path: Path) -> None:
    with open(path, "wb") as f:
        f.truncate(MAX_RULE_FILE_BYTES + 1)  # sparse: nothing written, but st_size is over the limit


def make_folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.toml").write_text(GOOD, encoding="utf-8")


BAD_FILES = {
    "fifo": (make_fifo, "not-a-file", "the file is a named pipe (FIFO), not a rule file; rename or remove it."),
    "zero-link": (make_zero_link, "symlink", "the file is a symbolic link; cepledger only reads and writes "
                  "regular files, so replace the link with the file itself."),
    "huge": (make_huge, "too-large", "the file is 1 MiB, larger than the 1 MiB a rule file may be; "
             "split it or remove what does not belong in it."),
    "folder": (make_folder, "not-a-file", "the file is a folder, not a rule file; rename or remove it."),
}


@pytest.fixture(params=sorted(BAD_FILES))
def bad_rules(request, tmp_path):
    """A ledgers folder (jdoe, mlee) whose ``programs/x.toml`` is one kind of bad file."""
    make, code, message = BAD_FILES[request.param]
    ledgers = make_ledgers(tmp_path)
    (ledgers / "programs").mkdir()
    (ledgers / "programs" / "small.toml").write_text(GOOD, encoding="utf-8")
    bad = ledgers / "programs" / "x.toml"
    make(bad)
    return ledgers, bad, code, message


def cep(ledgers: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, CEPLEDGER_TODAY=TODAY, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "cepledger", "--ledgers", str(ledgers), *args],
                          capture_output=True, text=True, env=env, timeout=30, stdin=subprocess.DEVNULL)


def test_the_loader_reports_the_file_and_keeps_the_others(bad_rules):
    ledgers, bad, code, message = bad_rules
    reg = load_registry([ledgers / "programs"], strict=False)
    assert [(p.path, p.line, p.code, p.message) for p in reg.problems] == [(str(bad), 1, code, message)]
    assert "small" in reg.programs and "cass-cep" in reg.programs


@pytest.mark.parametrize("args", [
    ("status", "jdoe"),
    ("status", "jdoe", "--format", "json"),  # the no-Typer fast path
    ("log", "jdoe", "--format", "csv"),
    ("programs",),
    ("programs", "cass-cep", "--format", "json"),
])
def test_every_command_exits_3_with_one_sentence(bad_rules, args):
    ledgers, bad, _code, message = bad_rules
    before = sorted(p.name for p in ledgers.iterdir())
    out = cep(ledgers, *args)
    assert out.returncode == 3, (out.stdout, out.stderr)
    assert out.stderr == f"{bad}:1: {message}\n"
    assert out.stdout == ""
    assert sorted(p.name for p in ledgers.iterdir()) == before


def test_summary_exits_3_naming_the_file(bad_rules):
    # summary reads the rules once per member, so the sentence may repeat (cli's loop)
    ledgers, bad, _code, message = bad_rules
    out = cep(ledgers, "summary", "--format", "csv")
    assert out.returncode == 3, (out.stdout, out.stderr)
    assert f"{bad}:1: {message}\n" in out.stderr


def test_check_lists_the_file_as_an_error(bad_rules):
    ledgers, bad, code, message = bad_rules
    out = cep(ledgers, "check")
    assert out.returncode == 3, (out.stdout, out.stderr)
    assert f"{bad}:1: {message} [{code}]\n" in out.stdout
    assert "1 error, 0 warnings" in out.stdout


def test_a_rule_file_at_the_limit_is_read(tmp_path):
    folder = tmp_path / "programs"
    folder.mkdir()
    padding = "# padding\n" * ((MAX_RULE_FILE_BYTES - len(GOOD)) // 10)
    (folder / "small.toml").write_text(GOOD + padding, encoding="utf-8")
    assert (folder / "small.toml").stat().st_size <= MAX_RULE_FILE_BYTES
    reg = load_registry([folder])
    assert reg.programs["small"].requirements[0].min == 10


def test_a_dangling_link_is_reported_not_skipped(tmp_path):
    folder = tmp_path / "programs"
    folder.mkdir()
    (folder / "gone.toml").symlink_to(folder / "nowhere.toml")
    reg = load_registry([folder], strict=False)
    assert [p.code for p in reg.problems] == ["symlink"]


def test_the_packaged_programs_may_be_hard_links(tmp_path, monkeypatch):
    # An installer may hard-link the package's files (uv, Nix); they are part of the
    # installed program, read as its modules are, not a user's data file.
    import cepledger.rules.load as rules_load

    package = tmp_path / "package"
    package.mkdir()
    (tmp_path / "store.toml").write_text(GOOD, encoding="utf-8")
    os.link(tmp_path / "store.toml", package / "small.toml")
    monkeypatch.setattr(rules_load, "PACKAGE_PROGRAMS", package)
    reg = load_registry()
    assert reg.problems == [] and list(reg.programs) == ["small"]


def test_each_program_keeps_the_bytes_it_was_validated_from(tmp_path):
    """A report's SHA-256 of a rule file is of what the registry read (``Program.source``),
    not of a second read that could meet a file changed in between."""
    import hashlib

    from cepledger.cli.run.report import rule_files
    from cepledger.rules.load import PACKAGE_PROGRAMS

    folder = tmp_path / "programs"
    folder.mkdir()
    child = (PACKAGE_PROGRAMS / "casc-butte.toml").read_text(encoding="utf-8").replace(
        'id = "casc-butte"', 'id = "casc-mine"')
    (folder / "casc-mine.toml").write_text(child, encoding="utf-8")
    registry = load_registry([folder])
    mine, base = registry.programs["casc-mine"], registry.programs["casc-base"]
    assert mine.source == child.encode("utf-8") and mine.extends == "casc-base"
    assert base.source == (PACKAGE_PROGRAMS / "casc-base.toml").read_bytes() and base.extends is None
    (folder / "casc-mine.toml").write_text("changed since it was read", encoding="utf-8")

    class FixedEnv:
        def registry(self):
            return registry

    digests = rule_files(FixedEnv(), mine, {})
    assert [(d.what, d.sha256, d.version) for d in digests] == [
        ("casc-mine", hashlib.sha256(child.encode("utf-8")).hexdigest(), "format 1"),
        ("casc-base", hashlib.sha256(base.source).hexdigest(), "format 1")]


@pytest.mark.parametrize(("text", "line", "code"), [
    ('id = "x"\nname = "\\x41"\n', 2, "toml-syntax"),  # TOML 1.1 only: refused as ledgers refuse it
    ('id = "x"\n\nv = ' + "[" * 5000 + "]" * 5000 + "\n", 3, "too-deep"),
    ('id = "x"\nv = ' + "9" * 5000 + "\n", 2, "bad-number"),
])
def test_a_rule_file_is_parsed_as_a_ledger_is(tmp_path, text, line, code):
    """One TOML call for ledgers and rule files (``ledger.parse.loads_toml``): TOML 1.0
    exactly whatever tomli is installed, and the same located problems."""
    folder = tmp_path / "programs"
    folder.mkdir()
    (folder / "x.toml").write_text(text, encoding="utf-8")
    registry = load_registry([folder], strict=False)
    assert [(p.path, p.line, p.code) for p in registry.problems] == [(str(folder / "x.toml"), line, code)]
    assert "cass-cep" in registry.programs
