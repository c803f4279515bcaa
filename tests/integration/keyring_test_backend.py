"""A real keyring backend that keeps secrets in a dict and never writes a file.

Used by the tests in-process (``keyring.set_keyring(MemoryKeyring())``) and by CLI
subprocesses through ``PYTHON_KEYRING_BACKEND=tests.integration.keyring_test_backend.
MemoryKeyring``. With ``HITORI_TEST_KEYRING_REPORT=1`` each change is reported on
stderr as a SHA-256 of the value, so a test can check what arrived without the value
itself being printed.
"""

from __future__ import annotations

import hashlib
import os
import sys

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


def digest(service: str, username: str, secret: str) -> str:
    return hashlib.sha256(f"{service}\0{username}\0{secret}".encode()).hexdigest()


class MemoryKeyring(KeyringBackend):
    """Secrets in memory, per backend instance."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def _report(self, line: str) -> None:
        if os.environ.get("HITORI_TEST_KEYRING_REPORT") == "1":
            print(f"test-keyring: {line}", file=sys.stderr)

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password
        self._report(f"set {digest(service, username, password)}")

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            self._report("delete missing")
            raise PasswordDeleteError("not found")
        self._report("delete ok")
