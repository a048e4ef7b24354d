"""Databases made by an earlier release, for tests that migrate them with the current code (marker `upgrade`,
pyproject.toml). One place for every app's upgrade test:

    database = database_at_release(tmp_path / "old.sqlite3", LAST_RELEASE,
                                   ["demo", "--documents", "200", "--cases", "0"])
    manage(database, "migrate")                          # the current code
    manage(database, "search", "扶贫", "--json").stdout   # the current code, on the upgraded database

The release's files come from git (`git archive`), so these tests need the repository's history; without it
(an exported tarball, a shallow clone without that commit, no git) `release_tree` skips the test and says so.
Each `manage.py` runs in a subprocess with the test's own interpreter, in demo mode, against the SQLite file
given (DATABASE_URL); the release's code is found first because its folder is the script's folder."""

import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAST_RELEASE = "393adb4"  # the last release

_trees: dict[str, Path] = {}
_holder: list[tempfile.TemporaryDirectory] = []


def release_tree(release: str = LAST_RELEASE) -> Path:
    """The release's files in a temporary folder (extracted once per test process)."""
    if release in _trees:
        return _trees[release]
    try:
        archive = subprocess.run(["git", "archive", "--format=tar", f"{release}^{{commit}}"],  # noqa: S603, S607
                                 cwd=ROOT, capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"git history unavailable ({error}): cannot build a database with release {release}")
    if archive.returncode != 0:
        reason = archive.stderr.decode("utf-8", "replace").strip()
        pytest.skip(f"git history unavailable ({reason}): cannot build a database with release {release}")
    if not _holder:
        _holder.append(tempfile.TemporaryDirectory(prefix="gongkai-releases-"))
    tree = Path(_holder[0].name) / release
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    _trees[release] = tree
    return tree


def manage(database: Path, *args: str, tree: Path = ROOT, timeout: int = 600) -> subprocess.CompletedProcess:
    """`manage.py *args` of the code in `tree` (the current code by default) on the SQLite file `database`;
    fails the test with the command's output when it exits non-zero."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE") and not name.startswith(("DATABASE_URL",
                                                                                            "GONGKAI_"))}
    env.update(GONGKAI_DEMO="1", DATABASE_URL=f"sqlite:///{Path(database).resolve()}", PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=tree, env=env,  # noqa: S603
                            capture_output=True, text=True, check=False, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} ({tree.name}) exited {result.returncode}:\n"
                    f"{result.stdout}\n{result.stderr}")
    return result


def database_at_release(path: Path, release: str = LAST_RELEASE, *commands: list[str]) -> Path:
    """A new SQLite database at `path`, migrated by `release`'s code, then each of `commands` (manage.py
    arguments, e.g. ["demo", "--documents", "200"]) run by that code too."""
    tree = release_tree(release)
    Path(path).unlink(missing_ok=True)
    manage(path, "migrate", "--verbosity", "0", tree=tree)
    for command in commands:
        manage(path, *command, tree=tree)
    return Path(path)
