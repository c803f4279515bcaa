"""_Demo mixin: notices, tasks, work log, runbooks, checklists and attachments."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import select

from app.services.demo import words as W
from app.services.demo.loader import (
    GOV_CLOUD_TEMPLATE,
    NOTICE_KINDS,
    STANDARDIZATION_DEADLINE,
    _DemoBase,
    _fiscal_year,
    _nendo,
    _pick,
    _Sys,
    _table,
)
from app.store.models import (
    Attachment,
    Checklist,
    ChecklistProgress,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Notice,
    NoticeDeadline,
    Runbook,
    RunbookStep,
    Task,
    TaskSeries,
    WorkLogEntry,
    notice_assets,
    notice_systems,
    runbook_assets,
    runbook_contacts,
    runbook_credentials,
    runbook_systems,
    task_assets,
    task_notices,
    task_runbooks,
    task_series_runbooks,
    task_systems,
)
from app.store.reference_data import STANDARDIZATION_TEMPLATE

# The kind of deadline a notice of each kind sets (回答期限 / 施行日 / 対応期限).
DEADLINE_KIND = {"irai": "reply", "law": "effective"}
FEED_SOURCES = {"総務省 ホームページ新着情報": "soumu", "デジタル庁 RSS": "digital"}


class _ContentMixin(_DemoBase):
    # -- notices ------------------------------------------------------------
    def _notices(self) -> None:
        rng, today = self.rng, self.today
        by_issuer: dict[int, list[tuple[str, str]]] = {}
        for t in W.NOTICE_TOPICS:
            topic, issuers, sb = t.split("|")
            for ch in issuers:
                by_issuer.setdefault(int(ch), []).append((topic, sb))
        sys_by_sb = {s.sb: s for s in self.systems if s.sb}
        win10 = [a[0] for a in self.assets if a[4] == "Windows 10 Pro 22H2"][:10]
        have = self.conn.execute(select(Notice.issuer, Notice.issued_on, Notice.title))
        seen: set[tuple[Any, ...]] = {tuple(r) for r in have}
        rows, deadlines, sys_links, asset_links = [], [], [], []
        start = date(self.fy - 4, 4, 1)
        for i in range(self.spec.notices):
            nid = self.L.next_id(_table(Notice))
            if i == 0:  # the deadline that moved from 10/31 to 11/28
                issuer_i, (topic, sb) = 1, ("標準準拠システムへの移行に係る進捗状況調査", "-")
                issued, kind = today - timedelta(days=36), "irai"
            else:
                issuer_i = rng.choices(range(len(W.ISSUERS)), [x[1] for x in W.ISSUERS])[0]
                topic, sb = rng.choice(by_issuer[issuer_i])
                issued = self._date(start, today)
                kind = rng.choices(NOTICE_KINDS, (35, 30, 25, 6, 4))[0]
            issuer, _w, abbrs = W.ISSUERS[issuer_i]
            year = f"{_nendo(_fiscal_year(issued))} " if rng.random() < 0.3 else ""
            ask = "" if topic.endswith("調査") else "に係る照会"
            title = {
                "tsuchi": f"{year}{topic}について（通知）",
                "jimurenraku": f"{year}{topic}について（事務連絡）",
                "irai": f"{year}{topic}{ask}について（依頼）",
                "guideline": f"{topic}について（改定のお知らせ）",
                "law": f"{topic}に係る関係省令の一部改正について（通知）",
            }[kind]
            k = 1
            while (issuer, issued, title) in seen:
                k += 1
                title = f"{title.rsplit('（第', 1)[0]}（第{k}報）"
            seen.add((issuer, issued, title))
            age = (today - issued).days
            status = rng.choices(("unread", "reading", "acting", "done", "na"),
                                 (50, 30, 20, 0, 0) if age < 30 else (5, 10, 25, 45, 15)
                                 if age < 180 else (0, 1, 4, 75, 20))[0]  # fmt: skip
            system = sys_by_sb.get(sb) or (rng.choice(self.systems) if rng.random() < 0.3 else None)
            fill = {"topic": topic, "issuer": issuer, "dept": system.dept if system else "総務課",
                    "system": system.name if system else "関係システム"}  # fmt: skip
            deadline = None
            dkind = DEADLINE_KIND.get(kind, "action")
            if i == 0 or kind in ("irai", "law") or rng.random() < 0.2:
                # i == 0: with the default today, 10/31 moved to 11/28
                first = (
                    today - timedelta(days=1) if i == 0 else issued + timedelta(rng.randint(14, 60))
                )
                deadline = first
                values = [(first, issued, "通知により設定")]
                if i == 0 or rng.random() < 0.12:
                    deadline = first + timedelta(days=28 if i == 0 else rng.randint(7, 35))
                    when = issued + timedelta(days=max(1, (first - issued).days - 3))
                    what = "提出期限が延長された" if dkind == "reply" else "期日が変更された"
                    values.append((deadline, when, f"{issuer}の事務連絡により{what}"))
                deadlines += self._deadlines(nid, dkind, values)
                if kind == "law":  # a law also sets when the municipality must be ready
                    ready = max(issued, deadline - timedelta(days=rng.randint(7, 30)))
                    why = "施行日に向けた準備の期限"
                    deadlines += self._deadlines(nid, "action", [(ready, issued, why)])
            feed = FEED_SOURCES.get(source := rng.choice(W.NOTICE_SOURCES))
            link = f"https://www.example.jp/{feed}/news/{issued:%Y%m}/{nid:05d}.html"
            link = link if feed else ""
            rows.append({
                "id": nid, "issuer": issuer, "issued_on": issued, "title": title, "kind": kind,
                "doc_number": "" if kind == "jimurenraku" or rng.random() < 0.2
                else f"{rng.choice(abbrs.split())}第{rng.randint(10, 999)}号",
                "status": "acting" if i == 0 else status,
                "summary": rng.choice(W.NOTICE_SUMMARY).format(**fill),
                "interpretation": rng.choice(W.NOTICE_INTERPRETATION).format(**fill),
                "source": source, "url": link, "feed_guid": link or None,
            })  # fmt: skip
            self.notices.append((nid, title, deadline))
            if system is not None:
                sys_links.append({"notice_id": nid, "business_system_id": system.id})
            if topic.startswith("Windows 10"):
                asset_links += [{"notice_id": nid, "asset_id": a} for a in win10]
        self.L.insert(_table(Notice), rows, "通知を作成しています")
        self.L.insert(_table(NoticeDeadline), deadlines, "通知の期限履歴を作成しています")
        self.L.insert(notice_systems, sys_links, "通知とシステムを関連付けています")
        self.L.insert(notice_assets, asset_links, "通知と資産を関連付けています")

    def _deadlines(self, nid: int, kind: str, values: list[tuple[date, date, str]]
                   ) -> list[dict[str, Any]]:  # fmt: skip
        """The history of one deadline: (date, set on, why) oldest first; the last is current."""
        rows = []
        for n, (d, on, reason) in enumerate(values, start=1):
            at = datetime(on.year, on.month, on.day, 10)
            rows.append({"id": self.L.next_id(_table(NoticeDeadline)), "notice_id": nid,
                         "kind": kind, "deadline": d, "is_current": n == len(values),
                         "changed_at": at, "reason": reason, "created_at": at})  # fmt: skip
        return rows

    # -- tasks and work log ------------------------------------------------
    def _task(self, title: str, body: str, due: date, **extra: Any) -> dict[str, Any]:
        rng, today = self.rng, self.today
        # Most past work is done; what was left open is mostly recent (a demo with years
        # of forgotten tasks would greet the visitor with a wall of red).
        done = due < today and rng.random() < (0.8 if today - due < timedelta(90) else 0.995)
        status = "done" if done else ("doing" if due - today < timedelta(30) else "open")
        row = {"id": self.L.next_id(_table(Task)), "title": title, "body": body,
               "status": status, "priority": rng.choice((1, 2, 2, 2, 3)), "due_date": due,
               "completed_on": min(today, due - timedelta(rng.randint(0, 14))) if done else None,
               "fiscal_year": _fiscal_year(due), "series_id": None,
               "occurrence_on": None}  # fmt: skip
        row.update(extra)
        return row

    def _tasks(self) -> None:
        rng, today = self.rng, self.today
        rows: list[dict[str, Any]] = []
        series: list[dict[str, Any]] = []
        links: dict[str, list[dict[str, int]]] = {"asset": [], "system": [], "notice": []}
        self.occurrences: dict[int, list[int]] = {}  # series id → its tasks
        for spec in W.RECURRING_TASKS:
            title, m, d, body = spec.split("|")
            sid = self.L.next_id(_table(TaskSeries))
            series.append({"id": sid, "title": title, "body": body, "priority": 2,
                           "rule": "yearly", "month": int(m), "day": int(d),
                           "business_day": "previous", "active": True, "notes": ""})  # fmt: skip
            for fy in range(self.fy - 4, self.fy + 1):
                on = date(fy if int(m) >= 4 else fy + 1, int(m), int(d))
                due = on - timedelta(days=max(0, on.weekday() - 4))  # a weekend: the Friday
                rows.append(self._task(title, body, due, series_id=sid, occurrence_on=on,
                                       fiscal_year=fy))  # fmt: skip
                self.occurrences.setdefault(sid, []).append(rows[-1]["id"])
                self.recurring_tasks.append(rows[-1]["id"])
        self.series = [(int(r["id"]), str(r["title"])) for r in series]
        for nid, title, deadline in self.notices:
            if deadline and len(rows) < self.spec.tasks * 0.4:
                body = "回答・対応の取りまとめ"
                rows.append(self._task(f"{title[:60]} への対応", body, deadline))
                links["notice"].append({"task_id": rows[-1]["id"], "notice_id": nid})
        while len(rows) < self.spec.tasks:
            a, s = rng.choice(self.assets), rng.choice(self.systems)
            tpl = rng.choice(W.ONE_OFF_TASKS)
            title = tpl.format(asset=a[1], system=s.name, dept=a[3],
                               location=rng.choice(W.LOCATIONS)[0])  # fmt: skip
            due = today + timedelta(days=rng.randint(-700, 365))
            rows.append(self._task(title, f"{a[3]}からの依頼。", due))
            if "{asset}" in tpl:
                links["asset"].append({"task_id": rows[-1]["id"], "asset_id": a[0]})
            if "{system}" in tpl:
                links["system"].append({"task_id": rows[-1]["id"], "business_system_id": s.id})
        self.L.insert(_table(TaskSeries), series, "タスクを作成しています")
        self.L.insert(_table(Task), rows, "タスクを作成しています")
        for table, kind in ((task_assets, "asset"), (task_systems, "system"),
                            (task_notices, "notice")):  # fmt: skip
            self.L.insert(table, links[kind], "タスクを関連付けています")

    def _worklog(self) -> None:
        self.user_assets = [a for a in self.assets if a[5]] or self.assets
        # The IT officer, and the predecessor who handed over two years ago (人事異動 4/1).
        self.officers = (self._person(), self._person())
        self.L.insert(_table(WorkLogEntry), self._worklog_rows(), "作業ログを作成しています")

    def _worklog_rows(self) -> Iterator[dict[str, Any]]:
        rng, start = self.rng, date(self.fy - 4, 4, 1)
        span = (self.today - start).days + 1
        cats = list(W.WORKLOG)
        cum = list(accumulate(W.WORKLOG[c][0] for c in cats))
        templates = {c: [t.split("|") for t in W.WORKLOG[c][1]] for c in cats}
        days = sorted(rng.randrange(span) for _ in range(self.spec.worklog))
        table = _table(WorkLogEntry)
        handover = date(self.fy - 1, 4, 1)
        for offset in days:
            day = start + timedelta(days=offset)
            if day.weekday() >= 5 and rng.random() < 0.9:
                day = max(start, day - timedelta(days=day.weekday() - 4))
            cat = _pick(rng, cats, cum)
            title_t, body_t = rng.choice(templates[cat])
            text = title_t + body_t
            a = None
            if "{user}" in text:
                a = rng.choice(self.user_assets)
            elif "{asset}" in text or "{host}" in text:
                a = rng.choice(self.assets)
            s = rng.choice(self.systems) if "{system}" in text or "{vendor}" in text else None
            dept = a[3] if a else s.dept if s else rng.choice(W.DEPARTMENTS)[0]
            fill = {
                "asset": a[1] if a else "", "host": (a[2] or a[1]) if a else "",
                "os": (a[4] or "ファームウェア") if a else "", "dept": dept,
                "user": (a[5] if a and a[5] else rng.choice(self.staff[dept])),
                "system": s.name if s else "", "vendor": W.VENDORS[s.vendor][0] if s else "",
            }  # fmt: skip
            lo, hi = W.WORKLOG_MINUTES.get(cat, (5, 60))
            minutes = rng.randrange(lo, hi + 1, 5)
            started = datetime(day.year, day.month, day.day, 8, 30) + timedelta(
                minutes=rng.randrange(0, 510, 5)
            )
            task = (
                rng.choice(self.recurring_tasks)
                if cat == "定期作業" and rng.random() < 0.2
                else None
            )
            yield {
                "id": self.L.next_id(table), "occurred_on": day,
                "started_at": started, "minutes": minutes, "category": cat,
                "title": title_t.format(**fill)[:200], "body": body_t.format(**fill)[:80],
                "asset_id": a[0] if a else None, "system_id": s.id if s else None,
                "task_id": task, "created_at": started + timedelta(minutes=minutes),
                "actor": self.officers[0] if day >= handover else self.officers[1],
            }  # fmt: skip

    # -- runbooks, checklists, attachments -----------------------------------------
    def _runbooks(self) -> None:
        rng, today = self.rng, self.today
        rows: list[dict[str, Any]] = []
        steps, ra, rc, rcr, rs = [], [], [], [], []
        kinds = [k.split("|") for k in W.RUNBOOK_SYSTEM_KINDS]
        with_servers = [s.id for s in self.systems if self.sys_servers.get(s.id)]
        for i in range(self.spec.runbooks):
            rid = self.L.next_id(_table(Runbook))
            system: _Sys | None = None
            if i < len(W.RUNBOOKS):
                title, freq, purpose, middle = W.RUNBOOKS[i].split("|")
            else:
                j = i - len(W.RUNBOOKS)
                kind, system = (
                    kinds[j % len(kinds)],
                    self.systems[j // len(kinds) % len(self.systems)],
                )
                cycle = j // (len(kinds) * len(self.systems))
                suffix = f"（{W.DEPARTMENTS[cycle % len(W.DEPARTMENTS)][0]}向け）" if cycle else ""
                title, freq, purpose, middle = f"{system.name} {kind[0]}{suffix}", *kind[1:]
            flow = W.RUNBOOK_PREP[: rng.randint(0, 2)] + middle.split(";")
            flow += W.RUNBOOK_POST[: rng.randint(0, 3)]
            for pos, step in enumerate(flow, start=1):
                steps.append({
                    "id": self.L.next_id(_table(RunbookStep)), "runbook_id": rid,
                    "position": pos, "title": step,
                    "body": f"{step}。{'担当: 総務課 情報係' if pos % 2 else '画面の表示を確認'}",
                    "expected": rng.choice(W.RUNBOOK_EXPECT),
                })  # fmt: skip
            reviewed = self._date(today - timedelta(days=1500), today)
            rows.append({"id": rid, "title": title[:200], "purpose": purpose, "frequency": freq,
                         "version": f"第{rng.randint(1, 4)}版", "last_reviewed_on": reviewed,
                         "review_interval_months": rng.choice((12, 12, 12, 6, None)),
                         "notes": ""})  # fmt: skip
            # A system's runbooks serve it; shutting down for a power cut serves them all.
            served = [system.id] if system else with_servers if "停電" in title else []
            rs += [{"runbook_id": rid, "business_system_id": sid} for sid in served]
            vendor = system.vendor if system else rng.choice((2, 3, 13))
            for cid in self.contacts[vendor][:2]:
                rc.append({"runbook_id": rid, "contact_id": cid})
            label = f"{system.name} 管理者" if system else rng.choice(W.CREDENTIALS).split("|")[0]
            rcr.append({"runbook_id": rid, "credential_ref_id": self.cred_id[label]})
            for aid in (self.sys_servers.get(system.id, []) if system else [])[:3]:
                ra.append({"runbook_id": rid, "asset_id": aid})
        self.runbook_ids: list[int] = [int(r["id"]) for r in rows]
        self.L.insert(_table(Runbook), rows, "手順書を作成しています")
        self.L.insert(_table(RunbookStep), steps, "手順書を作成しています")
        self.L.insert(runbook_assets, ra, "手順書を関連付けています")
        self.L.insert(runbook_contacts, rc, "手順書を関連付けています")
        self.L.insert(runbook_credentials, rcr, "手順書を関連付けています")
        self.L.insert(runbook_systems, rs, "手順書を関連付けています")
        # Recurring work done by a runbook: the rule and each occurrence link to it.
        by_title = {str(r["title"]): int(r["id"]) for r in rows}
        srb, trb = [], []
        for sid, title in self.series:
            done_by = next((by_title[t] for k, t in W.SERIES_RUNBOOKS if title.startswith(k)), 0)
            if done_by:
                srb.append({"series_id": sid, "runbook_id": done_by})
                trb += [{"task_id": tid, "runbook_id": done_by} for tid in self.occurrences[sid]]
        self.L.insert(task_series_runbooks, srb, "タスクを関連付けています")
        self.L.insert(task_runbooks, trb, "タスクを関連付けています")

    def _checklists(self) -> None:
        rng = self.rng
        std = self.conn.execute(
            select(ChecklistTemplate.id).where(ChecklistTemplate.code == STANDARDIZATION_TEMPLATE)
        ).scalar_one()
        items = self._items(std)
        lists, progress = [], []
        for s in (x for x in self.systems if x.sb):
            cid = self.L.next_id(_table(Checklist))
            note = "特定移行支援システム（期限 2031-03-31）" if s.tokutei else ""
            name = f"{s.name[:-4]} 標準化 移行手順"
            lists.append({"id": cid, "template_id": std, "name": name, "standard_business_id": s.sb,
                          "system_id": s.id, "notes": note})  # fmt: skip
            front = rng.randint(14, 28) if s.tokutei else rng.randint(34, 40)
            end = date(2030, 3, 31) if s.tokutei else STANDARDIZATION_DEADLINE
            progress += self._progress(cid, std, items, front, date(2022, 4, 1), end)
        gc = self._gov_cloud_template()
        gid = self.L.next_id(_table(Checklist))
        lists.append({"id": gid, "template_id": gc, "name": f"ガバメントクラウド移行（{W.TOWN}）",
                      "standard_business_id": None, "system_id": None,
                      "notes": "県の共同調達に参加予定"})  # fmt: skip
        gitems = self._items(gc)
        progress += self._progress(
            gid, gc, gitems, rng.randint(4, 7), date(2024, 4, 1), date(2027, 3, 31)
        )
        # Evidence files are attachments of the progress rows that are done.
        self.done_progress: list[int] = [int(r["id"]) for r in progress if r["status"] == "done"]
        self.L.insert(_table(Checklist), lists, "チェックリストを作成しています")
        self.L.insert(_table(ChecklistProgress), progress, "チェックリストを作成しています")

    def _items(self, template_id: int) -> list[tuple[int, str]]:
        stmt = (
            select(ChecklistTemplateItem.id, ChecklistTemplateItem.group_name)
            .where(ChecklistTemplateItem.template_id == template_id)
            .order_by(ChecklistTemplateItem.position)
        )
        return [(r[0], r[1]) for r in self.conn.execute(stmt)]

    def _gov_cloud_template(self) -> int:
        table = _table(ChecklistTemplate)
        have = self.conn.execute(
            select(table.c.id).where(table.c.code == GOV_CLOUD_TEMPLATE)
        ).scalar()
        if have is not None:
            return int(have)
        tid = self.L.next_id(table)
        self.L.insert(table, [{"id": tid, "code": GOV_CLOUD_TEMPLATE, "kind": "gov_cloud",
                               "name": "ガバメントクラウド移行（デモ）", "builtin": False,
                               "description": "接続回線・運用管理補助者・見積などの確認項目"}],
                      "チェックリストを作成しています")  # fmt: skip
        items = []
        for pos, spec in enumerate(W.GOV_CLOUD_ITEMS):
            group, title = spec.split("|")
            items.append({"id": self.L.next_id(_table(ChecklistTemplateItem)),
                          "template_id": tid, "code": f"GC-{pos + 1:02d}",
                          "group_name": group, "title": title, "position": pos})  # fmt: skip
        self.L.insert(_table(ChecklistTemplateItem), items, "チェックリストを作成しています")
        return tid

    def _progress(self, cid: int, tid: int, items: list[tuple[int, str]], front: int,
                  start: date, end: date) -> list[dict[str, Any]]:  # fmt: skip
        rng, today, out = self.rng, self.today, []
        for i, (item_id, group) in enumerate(items):
            due = start + (end - start) * (i + 1) // len(items)
            rfi = "RFI" in group or "ベンダ選定" in group
            status = "done" if i < front else "doing" if i < front + 2 else "todo"
            if status == "done" and rfi and rng.random() < 0.15:
                status = "na"
            done_on = min(today, due - timedelta(days=rng.randint(0, 45)))
            out.append({
                "id": self.L.next_id(_table(ChecklistProgress)), "checklist_id": cid,
                "template_id": tid, "item_id": item_id, "status": status, "due_date": due,
                "completed_on": done_on if status == "done" else None,
                "evidence": rng.choice(W.EVIDENCE).format(d=f"{done_on:%Y-%m-%d}")
                if status == "done" else "",
                "notes": "共同利用のため県の取りまとめで実施" if status == "na" else "",
            })  # fmt: skip
        return out

    def _attachments(self) -> None:
        rng = self.rng
        owners: dict[str, list[int]] = {
            "asset": [a[0] for a in self.assets],
            "notice": [n[0] for n in self.notices],
            "runbook": self.runbook_ids,
            "checklist_progress": self.done_progress,
        }
        assets = {a[0]: a for a in self.assets}
        rows = []
        for i in range(self.spec.attachments):
            kind = rng.choices(tuple(owners), (57, 25, 15, 3))[0]
            owner = rng.choice(owners[kind])
            a = assets.get(owner) if kind == "asset" else None
            fname = rng.choice(W.ATTACHMENT_NAMES[kind]).format(
                year=rng.randint(self.fy - 4, self.fy),
                tag=f"{owner:06d}", host=(a[2] or "本体") if a else "",
            )  # fmt: skip
            content = _demo_file(kind, owner, fname, i)
            if self.files is not None:
                self.files.store_bytes(content)
            rows.append({
                "id": self.L.next_id(_table(Attachment)), "owner_kind": kind,
                "owner_id": owner, "filename": fname,
                "media_type": W.MEDIA_TYPES[fname.rsplit(".", 1)[1]],
                "size_bytes": len(content),
                "sha256": (sha := hashlib.sha256(content).hexdigest()),
                "stored_name": f"{sha[:2]}/{sha}",
                "description": f"{_nendo(self.fy)} 受領（デモ）",
            })  # fmt: skip
        self.L.insert(_table(Attachment), rows, "添付ファイルの情報を作成しています")


def _demo_file(kind: str, owner: int, name: str, n: int) -> bytes:
    """The bytes of a demo attachment: a short text saying what it stands for (the demo
    has no real 契約書 or 見積書 to attach)."""
    return (
        f"Hitori デモデータの添付ファイル（架空）\nファイル名: {name}\n"
        f"添付先: {kind} {owner}\n通番: {n}\n"
    ).encode()
