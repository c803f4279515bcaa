"""The whole register read for a list in three queries — every rule, version and
dependency as plain rows — so the register's rows, the lagging list and a rule's
dependencies are computed in Python without a query per rule."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.regulations.versions import VersionInfo, ordered
from app.store.models import Regulation, RegulationDependency, RegulationVersion


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule as the lists read it (columns, not an ORM object)."""

    id: int
    title: str
    short_name: str
    kind: str
    origin: str
    owner: str
    number: str


@dataclass(frozen=True, slots=True)
class RegisterData:
    """The whole register as read for a list: rules by id, their versions (oldest first)
    by rule, and every dependency (id, dependent, source, followed version)."""

    rules: dict[int, RuleInfo]
    versions: dict[int, list[VersionInfo]]
    dependencies: list[tuple[int, int, int, int | None]]

    def title(self, regulation_id: int) -> str:
        return self.rules[regulation_id].title


def load_register(session: Session) -> RegisterData:
    """Read every rule, version and dependency: three queries in all."""
    rule_columns = select(Regulation.id, Regulation.title, Regulation.short_name,
                          Regulation.kind, Regulation.origin, Regulation.owner,
                          Regulation.number)  # fmt: skip
    rules = {row[0]: RuleInfo(*row) for row in session.execute(rule_columns)}
    versions: dict[int, list[VersionInfo]] = {}
    stmt = select(RegulationVersion.id, RegulationVersion.regulation_id, RegulationVersion.label,
                  RegulationVersion.revised_on, RegulationVersion.effective_on,
                  RegulationVersion.notice_id)  # fmt: skip
    for row in session.execute(stmt):
        info = VersionInfo(*row)
        versions.setdefault(info.regulation_id, []).append(info)
    for listed in versions.values():
        listed[:] = ordered(listed)
    deps = [
        (d, dep, src, followed)
        for d, dep, src, followed in session.execute(
            select(RegulationDependency.id, RegulationDependency.dependent_id,
                   RegulationDependency.source_id, RegulationDependency.followed_version_id)
            .order_by(RegulationDependency.id))
    ]  # fmt: skip
    return RegisterData(rules, versions, deps)
