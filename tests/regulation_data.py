"""A small register for the tests that need a lagging rule: the security-policy
guideline at its 令和6年10月 version, the town's policy brought in line with it, then the
guideline's 令和7年3月 version — after which the policy lags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.services.regulations.dependencies import add_dependency
from app.services.regulations.register import add_version, create_regulation


@dataclass(frozen=True)
class LaggingPolicy:
    guideline_id: int
    policy_id: int
    newer_version_id: int  # the guideline's version the policy has not followed


def lagging_policy(session: Session, today: date) -> LaggingPolicy:
    national = {"title": "セキュリティポリシーガイドライン", "kind": "guideline",
                "origin": "national"}  # fmt: skip
    guideline = create_regulation(session, national)
    first = {"label": "令和6年10月改定", "revised_on": date(2024, 10, 1)}
    add_version(session, guideline.id, first, today=today)
    own = {"title": "ひとり町情報セキュリティポリシー", "kind": "regulation", "origin": "own"}
    policy = create_regulation(session, own)
    add_dependency(session, policy.id, guideline.id, today=today)  # in line now
    second = {"label": "令和7年3月改定", "revised_on": date(2025, 3, 1)}
    newer = add_version(session, guideline.id, second, today=today)
    return LaggingPolicy(guideline.id, policy.id, newer.id)
