"""_Demo mixin: tags on notices, the regulations register (the starter set as
``adopt_starter`` leaves it, and the town's own rules, one of them lagging), Q&A
knowledge notes with their answers, and one kept digest of the last full week.

Runs after notices, systems and runbooks exist. Everything is dated on or before
``today``: nothing is revised, asked, answered or kept after it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate, count
from typing import Any

from sqlalchemy import insert, select, update

from app.jdate import add_months
from app.services.demo import knowledge_words as K
from app.services.demo.loader import _DemoBase, _pick, _Sys, _table
from app.services.digests.store import default_title
from app.services.regulations.starter import SETTING_KEY, load_starter
from app.store.models import (
    Digest,
    DigestItem,
    KnowledgeAnswer,
    KnowledgeNote,
    Notice,
    Regulation,
    RegulationDependency,
    RegulationVersion,
    Runbook,
    Setting,
    Tag,
    knowledge_note_notices,
    knowledge_note_regulations,
    knowledge_note_runbooks,
    knowledge_note_systems,
    knowledge_note_tags,
    notice_tags,
)
from app.store.vocab import DIGEST_SECTIONS

CONFIDENCE = ("high", "medium", "low")
CONFIDENCE_CUM = list(accumulate((40, 45, 15)))
COMMUNITY_CUM = list(accumulate(K.COMMUNITY_WEIGHTS))
ANNOUNCED_ON = date(2025, 3, 1)  # the guideline's 令和7年3月改定


@dataclass(frozen=True, slots=True)
class _NoticeFact:
    id: int
    title: str
    kind: str
    issued_on: date | None


@dataclass(slots=True)
class _NoteSpec:
    question: str
    detail: str
    tags: list[str]
    links: list[str]
    answers: list[str]
    system: _Sys | None = None


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


class _KnowledgeMixin(_DemoBase):
    runbook_ids: list[int]  # set by _ContentMixin._runbooks

    def _knowledge(self) -> None:
        facts = self._notice_facts()
        self.week = self._digest_week()
        tag_id = self._tags()
        tagged = self._tag_notices(facts, tag_id)
        regulations = self._register(facts)
        self._notes(facts, tagged, tag_id, regulations)
        self._digest(facts, tagged)

    def _notice_facts(self) -> list[_NoticeFact]:
        ids = [n[0] for n in self.notices]
        if not ids:
            return []
        stmt = (
            select(Notice.id, Notice.title, Notice.kind, Notice.issued_on)
            .where(Notice.id.between(min(ids), max(ids)))
            .order_by(Notice.id)
        )
        return [_NoticeFact(*row) for row in self.conn.execute(stmt)]

    def _digest_week(self) -> tuple[date, date]:
        """The last full week (Monday to Sunday) that ended before today."""
        end = self.today - timedelta(days=self.today.weekday() + 1)
        return end - timedelta(days=6), end

    # -- tags ---------------------------------------------------------------------------
    def _tags(self) -> dict[str, int]:
        table = _table(Tag)
        have = {str(n).casefold(): int(i) for n, i in self.conn.execute(select(Tag.name, Tag.id))}
        ids, rows = {}, []
        for name in K.TAGS:
            if name.casefold() in have:  # tags are told apart by casefold
                ids[name] = have[name.casefold()]
                continue
            ids[name] = self.L.next_id(table)
            rows.append({"id": ids[name], "name": name})
        self.L.insert(table, rows, "タグを作成しています")
        return ids

    def _tag_notices(
        self, facts: list[_NoticeFact], tag_id: dict[str, int]
    ) -> dict[int, list[str]]:
        rules = [rule.split("|") for rule in K.TAG_RULES]
        tagged: dict[int, list[str]] = {}
        rows = []
        for fact in facts:
            names: list[str] = []
            for word, tag in rules:
                if word in fact.title and tag not in names:
                    names.append(tag)
                    if len(names) == 2:
                        break
            if names:
                tagged[fact.id] = names
                rows += [{"notice_id": fact.id, "tag_id": tag_id[n]} for n in names]
        self.L.insert(notice_tags, rows, "通知にタグを付けています")
        return tagged

    # -- the regulations register ---------------------------------------------------------
    def _register(self, facts: list[_NoticeFact]) -> dict[str, int]:
        """The starter set, as adopting it today leaves it, and the town's own rules; the
        rules' ids by starter key or own key. An officer's register is left alone."""
        self.version_days: list[tuple[int, date | None, date | None, str]] = []
        if self.conn.execute(select(Regulation.id).limit(1)).first() is not None:
            return {}
        regs, versions, rule_ids = [], [], {}
        version_ids: dict[str, list[tuple[str, int]]] = {}
        keys: set[str] = set()
        announcing = self._announcing_notice(facts)
        starter = load_starter()
        for entry in starter.entries:
            rid = rule_ids[entry.key] = self.L.next_id(_table(Regulation))
            regs.append(self._rule_row(rid, entry.values, entry.key))
            keys.add(entry.key)
            for item in entry.versions:
                v = item.values
                made: date = v.get("revised_on") or v["effective_on"]  # one is given
                if made > self.today:
                    continue  # not made yet on this demo's today: a later adoption adds it
                notice = announcing if (entry.key, item.key) == (K.GUIDELINE, K.ANNOUNCED) else None
                versions.append(self._version_row(rid, entry.values, v, item.key, notice))
                version_ids.setdefault(entry.key, []).append((item.key, versions[-1]["id"]))
                keys.add(f"{entry.key}/{item.key}")
        for key, (title, short, kind, number, notes, texts) in K.OWN_RULES.items():
            rid = rule_ids[key] = self.L.next_id(_table(Regulation))
            values = {"title": title, "short_name": short, "kind": kind, "origin": "own",
                      "owner": "総務課", "number": number, "notes": notes}  # fmt: skip
            regs.append(self._rule_row(rid, values, None))
            for text in texts:
                label, revised, effective, changes, requires = text.split("|")
                v = {"label": label, "revised_on": date.fromisoformat(revised),
                     "effective_on": date.fromisoformat(effective), "changes": changes,
                     "requirements": requires}  # fmt: skip
                if v["revised_on"] <= self.today:
                    versions.append(self._version_row(rid, values, v, None, None))
                    version_ids.setdefault(key, []).append((label, versions[-1]["id"]))
        deps = []
        for dependent, source, notes in K.DEPENDENCIES:
            have = version_ids.get(source, [])
            followed = dict(have).get(K.FOLLOWED) if source == K.GUIDELINE else None
            followed = followed or (have[-1][1] if have else None)  # else: in line
            deps.append({"id": self.L.next_id(_table(RegulationDependency)),
                         "dependent_id": rule_ids[dependent], "source_id": rule_ids[source],
                         "followed_version_id": followed, "notes": notes})  # fmt: skip
        self.L.insert(_table(Regulation), regs, "法令・規程台帳を作成しています")
        self.L.insert(_table(RegulationVersion), versions, "法令・規程台帳を作成しています")
        self.L.insert(_table(RegulationDependency), deps, "法令・規程台帳を作成しています")
        self._adopted(keys, starter.version)
        return rule_ids

    def _rule_row(self, rid: int, values: dict[str, Any], key: str | None) -> dict[str, Any]:
        row = {"id": rid, "short_name": "", "kind": "guideline", "origin": "national",
               "owner": "", "number": "", "url": "", "notes": ""}  # fmt: skip
        return row | values | {"starter_key": key}

    def _version_row(self, rid: int, rule: dict[str, Any], v: dict[str, Any], key: str | None,
                     notice: int | None) -> dict[str, Any]:  # fmt: skip
        row: dict[str, Any] = {"id": self.L.next_id(_table(RegulationVersion)),
                               "regulation_id": rid, "revised_on": None, "effective_on": None,
                               "changes": "", "requirements": ""}  # fmt: skip
        row |= v | {"notice_id": notice, "starter_key": key}  # fmt: skip
        topic = rule.get("short_name") or "法令・規程"  # a digest's topic of a version
        self.version_days.append((row["id"], row["revised_on"], row["effective_on"], topic))
        return row

    def _announcing_notice(self, facts: list[_NoticeFact]) -> int | None:
        """The notice about the security policy guideline that announced its 令和7年3月
        revision: one issued from a month before to three months after it, a notice of
        kind 「ガイドライン」 first, else the nearest (None: the demo has none)."""
        about = []
        for f in facts:
            days = (f.issued_on - ANNOUNCED_ON).days if f.issued_on else None
            if days is not None and -30 <= days <= 90 and "情報セキュリティポリシー" in f.title:
                about.append((f.kind != "guideline", abs(days), f.id))
        return min(about)[2] if about else None

    def _adopted(self, keys: set[str], version: int) -> None:
        """Record the starter keys as adopt_starter does (merged with any kept)."""
        table = _table(Setting)
        kept = self.conn.execute(select(table.c.value).where(table.c.key == SETTING_KEY)).first()
        value = {"version": version, "keys": sorted(keys)}
        if kept is None:
            row = {"key": SETTING_KEY, "value": value, "updated_at": self.L.stamp}
            self.conn.execute(insert(table), [row])
            return
        old = kept[0] if isinstance(kept[0], dict) else {}
        old_keys = [k for k in old.get("keys") or [] if isinstance(k, str)]
        old_version = old.get("version")
        old_version = old_version if isinstance(old_version, int) else 0
        value = {"version": max(version, old_version), "keys": sorted(keys | set(old_keys))}
        self.conn.execute(update(table).where(table.c.key == SETTING_KEY).values(value=value))

    # -- Q&A notes ----------------------------------------------------------------------------
    def _note_specs(self) -> Iterator[_NoteSpec]:
        for question, detail, tags, links, answers in K.NOTES:
            yield _NoteSpec(question, detail, tags.split(","), [x for x in links.split(",") if x],
                            answers)  # fmt: skip
        templates = [t.split("|") for t in K.SYSTEM_NOTES]
        systems = self.systems
        for r in count():
            for n, (asks, topics, sb_only, says) in enumerate(templates):
                s = systems[(r + n * 5) % len(systems)]
                if sb_only == "1" and not s.sb:
                    continue
                suffix = f"（その{r // len(systems) + 1}）" if r >= len(systems) else ""
                yield _NoteSpec(asks.format(system=s.name) + suffix,
                                self.rng.choice(K.NOTE_DETAILS), topics.split(","), [],
                                says.split(";"), s)  # fmt: skip

    def _notes(self, facts: list[_NoticeFact], tagged: dict[int, list[str]],
               tag_id: dict[str, int], regulations: dict[str, int]) -> None:  # fmt: skip
        rng, today = self.rng, self.today
        by_tag: dict[str, list[tuple[date, int]]] = {}
        for fact in facts:
            for name in tagged.get(fact.id, ()):
                by_tag.setdefault(name, []).append((fact.issued_on or today, fact.id))
        for items in by_tag.values():
            items.sort()
        runbooks = self.conn.execute(
            select(Runbook.id, Runbook.title).where(Runbook.id.in_(self.runbook_ids))
        ).all()
        system_id = {s.name: s.id for s in self.systems}
        notes, answers = [], []
        links: dict[str, list[dict[str, int]]] = {"tag": [], "notice": [], "regulation": [],
                                                  "system": [], "runbook": []}  # fmt: skip
        self.note_facts: list[tuple[int, date, date | None, str]] = []  # id, entered, reviewed
        specs = self._note_specs()
        for i in range(self.spec.knowledge):
            spec = next(specs)
            nid = self.L.next_id(_table(KnowledgeNote))
            months = rng.choice((6, 12, 12))
            due = i % 6 == 2  # a few are due for review ("still true?")
            fresh = i < 2  # the first two: entered in the week of the kept digest
            limit = self.week[1] if fresh else today
            if fresh:
                asked = self.week[0] - timedelta(days=2)
            elif due:
                asked = today - timedelta(days=rng.randint(months * 31 + 40, 730))
            else:
                asked = today - timedelta(days=rng.randint(14, 730))
            said = rng.randint(1, len(spec.answers))
            by = rng.sample(K.ANSWERERS, said)
            on, given = asked, []
            for pos in range(said):
                on = min(on + timedelta(days=rng.randint(0, 4)), limit)
                given.append({"id": self.L.next_id(_table(KnowledgeAnswer)), "note_id": nid,
                              "position": pos + 1, "body": spec.answers[pos],
                              "answered_by": by[pos], "answered_on": on})  # fmt: skip
            entered = min(on + timedelta(days=rng.randint(0, 5)), limit)
            if fresh:
                entered = max(entered, self.week[0])
            answers += [a | {"created_at": _at(entered)} for a in given]
            reviewed = self._reviewed(entered, months, due)
            community = _pick(rng, K.COMMUNITIES, COMMUNITY_CUM)
            url = K.THREAD_URLS.get(community, "").format(n=rng.randint(1_000, 99_999))
            detail = spec.detail
            if not url:
                meeting = f"第{rng.randint(20, 45)}回の担当者会議で質問したもの。"
                detail = f"{detail}\n{meeting}".strip()
            notes.append({"id": nid, "question": spec.question, "detail": detail,
                          "community": community, "thread_url": url, "asked_on": asked,
                          "confidence": _pick(rng, CONFIDENCE, CONFIDENCE_CUM),
                          "reviewed_on": reviewed, "review_months": months,
                          "created_at": _at(entered),
                          "updated_at": _at(reviewed or entered)})  # fmt: skip
            self.note_facts.append((nid, entered, reviewed, min(spec.tags)))
            links["tag"] += [{"knowledge_note_id": nid, "tag_id": tag_id[t]} for t in spec.tags]
            wanted = list(spec.links)
            if spec.system is not None:
                wanted.append(f"system:{spec.system.name}")
            if not any(w.startswith("notice:") for w in wanted) and rng.random() < 0.5:
                wanted.append(f"notice:{spec.tags[0]}")
            for link in wanted:
                kind, _, what = link.partition(":")
                target: int | None = None
                if kind == "reg":
                    kind, target = "regulation", regulations.get(what)
                elif kind == "system":
                    target = system_id.get(what)
                elif kind == "runbook":
                    target = next((r for r, title in runbooks if title.startswith(what)), None)
                elif kind == "notice":
                    target = self._notice_before(by_tag.get(what, []), asked)
                if target is not None:
                    column = "business_system_id" if kind == "system" else f"{kind}_id"
                    links[kind].append({"knowledge_note_id": nid, column: target})
        self.L.insert(_table(KnowledgeNote), notes, "Q&Aを作成しています")
        self.L.insert(_table(KnowledgeAnswer), answers, "Q&Aを作成しています")
        for kind, table in (("tag", knowledge_note_tags), ("notice", knowledge_note_notices),
                            ("regulation", knowledge_note_regulations),
                            ("system", knowledge_note_systems),
                            ("runbook", knowledge_note_runbooks)):  # fmt: skip
            rows = list({tuple(r.items()): r for r in links[kind]}.values())  # once each
            self.L.insert(table, rows, "Q&Aを関連付けています")

    def _reviewed(self, entered: date, months: int, due: bool) -> date | None:
        """最終確認日: for a note ``due``, long enough ago (or never: then the day it was
        written is); otherwise recent enough that it is not due yet."""
        today = self.today
        if due:
            latest = add_months(today, -months)
            if latest < entered or self.rng.random() < 0.5:
                return None
            return entered + timedelta(days=self.rng.randint(0, (latest - entered).days))
        if add_months(entered, months) > today:
            return None  # written recently: not due yet
        earliest = max(entered, add_months(today, -months) + timedelta(days=1))
        reviewed = earliest + timedelta(days=self.rng.randint(0, (today - earliest).days))
        while add_months(reviewed, months) <= today:  # a month's end clamped the day
            reviewed += timedelta(days=1)
        return reviewed

    def _notice_before(self, items: list[tuple[date, int]], asked: date) -> int | None:
        """One of the last few notices (of a tag) issued before the question."""
        if not items:
            return None
        end = bisect_right(items, (asked, 1 << 62))
        recent = items[max(0, end - 8) : end] or items[:8]
        return self.rng.choice(recent)[1]

    # -- one kept digest ----------------------------------------------------------------------
    def _digest(self, facts: list[_NoticeFact], tagged: dict[int, list[str]]) -> None:
        start, end = self.week
        deadline = {nid: d for nid, _title, d in self.notices}
        chosen: list[tuple[str, int, str, str]] = []
        for fact in sorted(facts, key=lambda f: (f.issued_on or self.today, f.id)):
            if fact.issued_on is not None and start <= fact.issued_on <= end:
                names = tagged.get(fact.id)
                topic = min(names) if names else DIGEST_SECTIONS["notice"]
                due = deadline.get(fact.id)
                comment = f"期限は{due.month}月{due.day}日です" if due and due > end else ""
                chosen.append(("notice", fact.id, topic, comment))
        in_week = [(on, vid, topic) for vid, revised, effective, topic in self.version_days
                   for on in (revised, effective) if on and start <= on <= end]  # fmt: skip
        for _on, vid, topic in sorted(set(in_week)):
            if ("regulation_version", vid) not in {(k, r) for k, r, _t, _c in chosen}:
                chosen.append(("regulation_version", vid, topic, ""))
        notes = []  # entered in the week, or confirmed again in it
        for nid, entered, reviewed, topic in self.note_facts:
            on = entered if start <= entered <= end else reviewed
            if on is not None and start <= on <= end:
                notes.append((on, nid, topic))
        chosen += [("knowledge_note", nid, topic, "") for _on, nid, topic in sorted(notes)]
        did = self.L.next_id(_table(Digest))
        digest = {"id": did, "title": default_title(start, end), "period_start": start,
                  "period_end": end, "intro": K.DIGEST_INTRO, "sections": ",".join(DIGEST_SECTIONS),
                  "created_at": _at(end + timedelta(days=1), 8)}  # fmt: skip
        items = [{"id": self.L.next_id(_table(DigestItem)), "digest_id": did, "ref_kind": kind,
                  "ref_id": ref, "topic": topic[:60], "position": n, "comment": comment,
                  "created_at": digest["created_at"]}
                 for n, (kind, ref, topic, comment) in enumerate(chosen, 1)]  # fmt: skip
        self.L.insert(_table(Digest), [digest], "ダイジェストを作成しています")
        self.L.insert(_table(DigestItem), items, "ダイジェストを作成しています")
