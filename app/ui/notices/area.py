"""The 通知・法令 area: the notices (通知), the rules themselves (法令・規程台帳), what
peers answered (Q&A), and the digests sent to colleagues (ダイジェスト) — one tab each
(how the tabs behave: app.ui.views.tabbed_area). Only the notices' tab is built at once;
the others when first shown or asked to open a record."""

from __future__ import annotations

from typing import Any

from app.ui.digests.view import DigestsView
from app.ui.knowledge.view import KnowledgeView
from app.ui.notices.view import NoticesView
from app.ui.regulations.view import RegulationsView
from app.ui.translations import QT_TRANSLATE_NOOP
from app.ui.views.tabbed_area import TabbedArea, Tabs, opened_by

CTX = "NoticesArea"
TABS: Tabs = (
    ("notices", QT_TRANSLATE_NOOP(CTX, "通知"), NoticesView),
    ("regulations", QT_TRANSLATE_NOOP(CTX, "法令・規程"), RegulationsView),
    ("knowledge", QT_TRANSLATE_NOOP(CTX, "Q&A"), KnowledgeView),
    ("digests", QT_TRANSLATE_NOOP(CTX, "ダイジェスト"), DigestsView),
)


class NoticesArea(TabbedArea):
    view_key = "notices"
    title = "通知・法令"
    TABS = TABS
    opens = opened_by(TABS)

    @property
    def notices(self) -> Any:
        return self.page("notices")

    @property
    def regulations(self) -> Any:
        return self.page("regulations")

    @property
    def knowledge(self) -> Any:
        return self.page("knowledge")

    @property
    def digests(self) -> Any:
        return self.page("digests")
