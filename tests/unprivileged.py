"""Run part of a test where file permissions are enforced, even when the suite runs as root.

Root ignores permission bits, so a test of a read-only folder proves nothing when CI runs as
root. As root, the operation runs in a child process inside a new user namespace that maps
root to nobody (``unshare --user --map-user=65534 --map-group=65534``, util-linux): the child
still owns root's files, so it can run the interpreter under /root (mode 700) and work in
pytest's 0700 temporary folders, but it holds no capability outside its namespace, so the
kernel enforces permission bits on it as on any user. (Switching to nobody with setuid
instead would lose access to the interpreter and to the test's own folders.) As any other
user the child runs as that user.

Before the first use, a probe proves the mechanism: a write into a 0o555 folder must fail in
such a child. When it cannot, the test is skipped with the reason.
"""

from __future__ import annotations

import functools
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NOBODY = 65534
TIMEOUT = 60
_USER_NAMESPACE = ["unshare", "--user", f"--map-user={NOBODY}", f"--map-group={NOBODY}"]
_ENFORCED = 3  # the probe's exit status when its write was refused

_PROBE = f"""
import sys
from pathlib import Path
try:
    (Path(sys.argv[1]) / "probe").write_bytes(b"")
except PermissionError:
    sys.exit({_ENFORCED})
"""


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _prefix() -> list[str]:
    return list(_USER_NAMESPACE) if _is_root() else []


@functools.cache
def _why_not_enforced() -> str | None:
    """None when a child started with ``_prefix()`` cannot write into a 0o555 folder."""
    if _is_root() and shutil.which("unshare") is None:
        return "running as root and util-linux's unshare is missing: cannot drop privileges"
    with tempfile.TemporaryDirectory(prefix="hitori-permission-probe-") as tmp:
        folder = Path(tmp) / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        try:
            probe = subprocess.run(
                [*_prefix(), sys.executable, "-c", _PROBE, str(folder)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        finally:
            folder.chmod(0o700)
    if probe.returncode == _ENFORCED:
        return None
    who = "in a user namespace mapping root to nobody" if _is_root() else "as this user"
    if probe.returncode == 0:
        return f"file permissions are not enforced {who}: a write into a 0o555 folder succeeded"
    reason = (probe.stderr.strip().splitlines() or [f"exit {probe.returncode}"])[-1]
    return f"cannot run a process {who}: {reason}"


def unprivileged_prefix() -> list[str]:
    """Put before a command to run it with file permissions enforced (skips when impossible)."""
    problem = _why_not_enforced()
    if problem is not None:
        pytest.skip(problem)
    return _prefix()


def call_unprivileged(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` run in a child with file permissions enforced: its result, or its exception.

    ``fn`` must be a module-level function; arguments, result and exception are pickled. The
    exception is raised here with the child's traceback as a note.
    """
    request = pickle.dumps((list(sys.path), pickle.dumps((fn, args))))
    child = subprocess.run(
        [*unprivileged_prefix(), sys.executable, str(Path(__file__).resolve())],
        input=request,
        capture_output=True,
        timeout=TIMEOUT,
    )
    stderr = child.stderr.decode(errors="replace")
    if child.returncode != 0 or not child.stdout:
        raise RuntimeError(f"unprivileged child failed (exit {child.returncode}):\n{stderr}")
    outcome, value, child_traceback = pickle.loads(child.stdout)
    if outcome == "raised":
        value.add_note(f"raised in the unprivileged child:\n{child_traceback}")
        raise value
    return value


def _serve() -> None:
    """The child: read the call from stdin, write (outcome, value, traceback) to stdout."""
    result = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever fn prints goes to stderr, not into the pickled answer
    sys.stdout = sys.stderr
    parent_path, call = pickle.loads(sys.stdin.buffer.read())
    sys.path[:] = parent_path
    fn, args = pickle.loads(call)
    try:
        answer = ("returned", fn(*args), "")
    except Exception as exc:
        answer = ("raised", exc, traceback.format_exc())
    try:
        payload = pickle.dumps(answer)
    except Exception:
        failure = RuntimeError(f"cannot pickle {answer[1]!r}")
        payload = pickle.dumps(("raised", failure, answer[2]))
    with result:
        result.write(payload)


if __name__ == "__main__":
    _serve()
