"""_Demo: the demo data generator, assembled from its mixins."""

from __future__ import annotations

import random
from datetime import date

from app.services.demo.content import _ContentMixin
from app.services.demo.inventory import _InventoryMixin
from app.services.demo.knowledge import _KnowledgeMixin
from app.services.demo.loader import DemoSize, _fiscal_year, _Loader, _Sys
from app.store.attachments import AttachmentFiles


class _Demo(_InventoryMixin, _ContentMixin, _KnowledgeMixin):
    def __init__(
        self,
        loader: _Loader,
        spec: DemoSize,
        seed: int,
        today: date,
        files: AttachmentFiles | None = None,
    ) -> None:
        self.L, self.spec, self.today = loader, spec, today
        self.files = files  # where the demo's attachment files go (None: rows only)
        self.rng = random.Random(seed)
        self.fy = _fiscal_year(today)
        self.conn = loader.conn
        self.dept_id: dict[str, int] = {}
        self.loc_id: list[int] = []
        self.vendor_id: list[int] = []
        self.contacts: dict[int, list[int]] = {}
        self.systems: list[_Sys] = []
        self.cred_id: dict[str, int] = {}
        self.sys_contract: dict[int, int] = {}
        self.assets: list[tuple[int, str, str, str, str, str]] = []  # id name host dept os user
        self.sys_servers: dict[int, list[int]] = {}
        self.notices: list[tuple[int, str, date | None]] = []
        self.recurring_tasks: list[int] = []
        self.staff: dict[str, list[str]] = {}

    def run(self) -> None:
        for step in (self._org, self._vendors, self._systems, self._assets, self._licenses,
                     self._notices, self._tasks, self._worklog, self._runbooks,
                     self._checklists, self._attachments,
                     self._knowledge):  # fmt: skip
            step()
