"""_Demo mixin: organisation, vendors and contacts, systems, credential refs,
contracts, assets and licences."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import select

from app.services.demo import words as W
from app.services.demo.loader import (
    BATCH,
    GROUP,
    NETWORKED,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    STANDARDIZATION_DEADLINE,
    STATUSES,
    TOKUTEI_DEADLINE,
    _DemoBase,
    _nendo,
    _pick,
    _Sys,
    _table,
    _years,
)
from app.store.models import (
    Asset,
    AssetType,
    BusinessSystem,
    Contact,
    Contract,
    CredentialRef,
    Department,
    License,
    LicenseAssignment,
    Location,
    StandardBusiness,
    Vendor,
    asset_systems,
    contract_assets,
    contract_systems,
)


class _InventoryMixin(_DemoBase):
    # -- organisation, vendors, systems, credentials ------------------------
    def _org(self) -> None:
        rows = [
            {"name": n, "code": c, "phone": f"内線 {ext}", "notes": f"{W.TOWN_FULL} {n}"}
            for n, c, _p, ext, _w, _l in W.DEPARTMENTS
        ]
        ids = self._named(_table(Department), rows, "name", "部署を作成しています")
        self.dept_id = {r["name"]: i for r, i in zip(rows, ids, strict=True)}
        rows = [{"name": n, "building": b, "floor": f, "notes": ""} for n, b, f in W.LOCATIONS]
        self.loc_id = self._named(_table(Location), rows, "name", "設置場所を作成しています")
        total_w = sum(d[4] for d in W.DEPARTMENTS)
        for name, _c, _p, _e, weight, _l in W.DEPARTMENTS:
            size = max(4, round(self.spec.assets * 0.55 * weight / total_w))
            self.staff[name] = [self._person() for _ in range(size)]

    def _vendors(self) -> None:
        rows = [
            {"name": v[0], "kana": v[1], "phone": v[2], "address": v[3], "support_hours": v[4],
             "emergency_contact": v[5], "notes": v[6],
             "url": f"https://vendor{i + 1:02d}.example.jp/"}
            for i, v in enumerate(W.VENDORS)
        ]  # fmt: skip
        self.vendor_id = self._named(_table(Vendor), rows, "name", "ベンダーを作成しています")
        contacts: list[dict[str, Any]] = []
        names = list(W.CONTACT_NAMES)
        self.rng.shuffle(names)
        for i, vid in enumerate(self.vendor_id):
            for role in W.CONTACT_ROLES[: 2 + i % 3]:
                name, kana = names[len(contacts) % len(names)].split(":")
                cid = self.L.next_id(_table(Contact))
                self.contacts.setdefault(i, []).append(cid)
                phone = W.VENDORS[i][2] if role == "保守窓口" else f"090-5555-{1000 + cid:04d}"
                contacts.append({
                    "id": cid, "vendor_id": vid, "name": name, "kana": kana, "role": role,
                    "phone": phone, "email": f"contact{cid:03d}@vendor{i + 1:02d}.example.jp",
                    "notes": f"{role}。{W.VENDORS[i][4]}",
                })  # fmt: skip
        self.L.insert(_table(Contact), contacts, "連絡先を作成しています")

    def _systems(self) -> None:
        sbs = self.conn.execute(
            select(StandardBusiness.id, StandardBusiness.name).order_by(StandardBusiness.sort_order)
        ).all()
        specs: list[_Sys] = []
        for sb_id, sb_name in sbs:
            dept, vendor, reason = W.STANDARD_SYSTEMS.get(sb_id, ("住民課", 0, 0))
            specs.append(_Sys(0, f"{sb_name}システム", dept, "mynumber", vendor, sb_id, reason))
        for name, dept, seg, vendor, _desc in W.OTHER_SYSTEMS:
            specs.append(_Sys(0, name, dept, seg, vendor))
        descs = {o[0]: o[4] for o in W.OTHER_SYSTEMS}
        rows = []
        for s in specs:
            planned = (
                self._date(date(2028, 4, 1), date(2030, 12, 31))
                if s.tokutei
                else self._date(date(2025, 10, 1), STANDARDIZATION_DEADLINE)
            )
            provider = W.VENDORS[s.vendor][0]
            rows.append({
                "name": s.name, "vendor_id": self.vendor_id[s.vendor],
                "standard_business_id": s.sb, "department_id": self.dept_id[s.dept],
                "segment": s.segment,
                "description": descs.get(s.name, f"標準化対象業務（{s.name}）。{provider}が提供"),
                "tokutei_iko": bool(s.tokutei), "tokutei_reason": s.tokutei or None,
                "tokutei_deadline": TOKUTEI_DEADLINE if s.tokutei else None,
                "migration_planned_on": planned if s.sb else None,
                "notes": "特定移行支援システムとして申請済み" if s.tokutei else "",
            })  # fmt: skip
        ids = self._named(_table(BusinessSystem), rows, "name", "業務システムを作成しています")
        for s, sid in zip(specs, ids, strict=True):
            s.id = sid
        self.systems = specs
        creds = [c.split("|") for c in W.CREDENTIALS]
        creds += [[f"{s.name} 管理者", f"{s.name[:2]}-admin", "金庫内 封筒"] for s in specs]
        cred_rows = [
            {"label": label, "kind": "password", "service": "hitori", "username": user,
             "where_kept": f"OSのキーリング（参照のみ）。控え: {kept}",
             "notes": "値はHitoriに保存しない。変更したら控えも更新する"}
            for label, user, kept in creds
        ]  # fmt: skip
        cred_rows.append(
            {"label": "一太郎2024 ライセンスキー", "kind": "license_key", "service": "hitori",
             "username": "", "where_kept": "ライセンス証書（鍵付きキャビネット）", "notes": ""}
        )  # fmt: skip
        cids = self._named(_table(CredentialRef), cred_rows, "label", "認証情報の参照を作成")
        self.cred_id = {r["label"]: i for r, i in zip(cred_rows, cids, strict=True)}
        self._contracts()

    def _contract(self, title: str, kind: str, vendor: int, start: date, end: date,
                  amount: int, **extra: Any) -> dict[str, Any]:  # fmt: skip
        cid = self.L.next_id(_table(Contract))
        row = {"id": cid, "title": title, "kind": kind, "vendor_id": self.vendor_id[vendor],
               "contract_number": f"{start.year}-{cid:04d}", "start_date": start,
               "end_date": end, "amount_yen": amount // 1000 * 1000, "auto_renew": False,
               "notice_days": 60, "notes": ""}  # fmt: skip
        row.update(extra)
        self._contract_rows.append(row)
        return row

    def _contracts(self) -> None:
        rng, fy = self.rng, self.fy
        self._contract_rows: list[dict[str, Any]] = []
        links = []
        for s in self.systems:
            base = rng.randrange(600_000, 18_000_000)
            for year in (fy - 1, fy):
                row = self._contract(
                    f"{s.name} 保守業務委託（{_nendo(year)}）", "maintenance", s.vendor,
                    date(year, 4, 1), date(year + 1, 3, 31), int(base * (1 + (year - fy) * 0.03)),
                    notes="単年度契約（随意契約）",
                )  # fmt: skip
                links.append({"contract_id": row["id"], "business_system_id": s.id})
            self.sys_contract[s.id] = row["id"]
        start, end = date(fy, 4, 1), date(fy + 1, 3, 31)
        self.net_contract = self._contract(
            f"庁内ネットワーク機器 保守（{_nendo(fy)}）", "maintenance", 3, start, end, 4_800_000
        )["id"]
        self.ups_contract = self._contract(
            f"無停電電源装置 点検保守（{_nendo(fy)}）", "maintenance", 8, start, end, 660_000
        )["id"]
        y = self.today.year
        self.av_contract = self._contract(
            "ウイルス対策ソフト 年間サポート", "support", 13, date(y, 1, 1), date(y, 12, 31),
            rng.randrange(2_000_000, 5_000_000), auto_renew=True, notice_days=30,
        )["id"]  # fmt: skip
        self.m365_contract = self._contract(
            "Microsoft 365 ライセンス（年間）", "license", 2, date(y, 7, 1),
            date(y + 1, 6, 30), rng.randrange(8_000_000, 20_000_000), auto_renew=True,
        )["id"]  # fmt: skip
        leased = self.spec.assets * 0.64 * 0.6
        self.leases: list[dict[str, Any]] = []
        for year in range(fy - 7, fy + 1):
            for k in range(max(1, round(leased / 8 / 150))):
                begin = min(date(year, rng.choice((7, 8, 9, 10, 11, 12)), 1), self.today)
                begin = begin.replace(day=1)
                self.leases.append(self._contract(
                    f"{_nendo(year)} 事務用パソコン等賃貸借（その{k + 1}）", "lease", 11, begin,
                    _years(begin, 5) - timedelta(days=1), 0, notice_days=90,
                    contract_number=f"L-{year}-{k + 1:03d}", notes="5年リース・再リース可",
                ))  # fmt: skip
        self._contract_links = links

    # -- assets --------------------------------------------------------------
    def _assets(self) -> None:
        rng, today = self.rng, self.today
        type_ids = dict(self.conn.execute(select(AssetType.code, AssetType.id)).all())
        codes = [c for c in W.TYPE_PLAN if c in type_ids]
        types = rng.choices(codes, [W.TYPE_PLAN[c][2] for c in codes], k=self.spec.assets)
        types[: len(codes)] = codes
        rng.shuffle(types)
        models = {c: [m.split(":", 1) for m in W.MODELS[c].split("|")] for c in codes}
        depts = [(d[0], d[2], d[4], d[5]) for d in W.DEPARTMENTS]
        dept_cum = list(accumulate(d[2] for d in depts))
        seg_cum = {g: list(accumulate(w)) for g, w in SEGMENT_WEIGHTS.items()}
        old_cum, new_cum = list(accumulate((55, 5, 2, 23, 15))), list(accumulate((90, 5, 2, 2, 1)))
        mynum = [d for d in depts if d[0] in W.MYNUMBER_DEPTS]
        by_seg: dict[str, list[_Sys]] = {}
        for s in self.systems:
            by_seg.setdefault(s.segment, []).append(s)
        common = [s for s in self.systems if s.name in ("財務会計システム", "文書管理システム")]
        counters: dict[str, int] = {}
        rows, sys_links, con_links = [], [], []
        self.pcs: list[tuple[int, str, str, str]] = []
        lease_units: dict[int, int] = {}
        for code in types:
            group = GROUP.get(code, code)
            prefix, host_part, _w = W.TYPE_PLAN[code]
            seg = _pick(rng, SEGMENTS, seg_cum[group])
            aid = self.L.next_id(_table(Asset))
            if aid % BATCH == 0:
                self.L.check()
            system: _Sys | None = None
            if group == "server":
                system = rng.choice(by_seg.get(seg) or self.systems)
                dname = system.dept
                loc = W.SERVER_ROOM
            elif group in ("net", "ups") or code in ("software", "cloud"):
                dname, loc = "総務課", rng.randrange(len(self.loc_id))
                if code == "firewall":
                    loc = W.SERVER_ROOM
            else:
                d = rng.choice(mynum) if seg == "mynumber" else _pick(rng, depts, dept_cum)
                dname, loc = d[0], d[3]
                if dname == "教育委員会事務局" and rng.random() < 0.6:
                    loc = rng.choice(W.SCHOOLS)
                elif rng.random() < 0.1:
                    loc = rng.randrange(len(self.loc_id))
            dprefix = next(d[1] for d in depts if d[0] == dname)
            lease = None
            if group in ("pc", "thin", "printer") and rng.random() < 0.6:
                lease = rng.choice(self.leases)
                purchase, lease_end = lease["start_date"], lease["end_date"]
                lease_units[lease["id"]] = lease_units.get(lease["id"], 0) + 1
                con_links.append({"contract_id": lease["id"], "asset_id": aid})
            else:
                purchase, lease_end = today - timedelta(days=rng.randrange(8 * 365)), None
            age = (today - purchase).days / 365
            status = _pick(rng, STATUSES, old_cum if age > 6 else new_cum)
            maker, model = rng.choice(models[code])
            os_name = self._os(group, purchase, age, model)
            n = counters[prefix] = counters.get(prefix, 0) + 1
            tag = f"HT-{prefix}-{n:05d}"  # one pattern for every type (up to 99,999 each)
            hostname = ip = mac = user = ""
            if host_part:
                hn = counters[dprefix + host_part] = counters.get(dprefix + host_part, 0) + 1
                hostname = f"{dprefix}-{host_part}-{hn:04d}"
            if group in NETWORKED:
                x = (aid * 2654435761) & 0xFFFFFF
                mac = (
                    f"00:1B:{0x40 + len(maker):02X}:{x >> 16:02X}:{x >> 8 & 255:02X}:{x & 255:02X}"
                )
                if seg != "standalone":
                    m = counters[seg] = counters.get(seg, 0) + 1
                    ip = self._ip(seg, m)
            if group in ("pc", "thin", "mobile"):
                user = rng.choice(self.staff[dname])
            word = W.TYPE_WORD[code]
            if group in ("pc", "thin", "mobile"):
                name = f"{dname} {word}（{user}）"
            elif system is not None:
                name = f"{system.name} {rng.choice(W.SERVER_ROLES)}{word}"
            elif code in ("software", "cloud"):
                name = model
            else:
                name = f"{W.LOCATIONS[loc][0]} {word} {n}"
            if code in ("software", "cloud"):
                maint = date(self.fy + 1, 3, 31)
                eol = None
            else:
                maint = lease_end or _years(purchase, rng.choice((3, 4, 5, 5, 6)))
                eol = _years(purchase, rng.choice((6, 7, 8)))
                if os_name in W.OS_EOL and date(*W.OS_EOL[os_name]) > purchase:
                    eol = min(eol, date(*W.OS_EOL[os_name]))  # never before its purchase
            custom: dict[str, str] = {"管理シール": "済" if rng.random() < 0.85 else "未"}
            if lease:
                custom["リース契約No"] = lease["contract_number"]
            if group == "server":
                custom["ラック位置"] = f"R{rng.randint(1, 4)}-U{rng.randint(1, 40):02d}"
            seen = None
            if ip and status != "disposed":
                back = rng.randrange(14 * 1440) if rng.random() < 0.9 else rng.randrange(400 * 1440)
                seen = datetime(today.year, today.month, today.day, 8) - timedelta(minutes=back)
            c = 3 if seg == "mynumber" else 2 if seg == "lgwan" else rng.randint(1, 2)
            rows.append({
                "id": aid, "asset_tag": tag, "name": name, "asset_type_id": type_ids[code],
                "status": status, "segment": seg, "department_id": self.dept_id[dname],
                "location_id": self.loc_id[loc], "user_name": user, "hostname": hostname,
                "ip_address": ip, "mac_address": mac,
                "serial_number": f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
                f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randrange(10**8):08d}",
                "manufacturer": maker, "model": model, "os_name": os_name,
                "purchase_date": purchase, "lease_end": lease_end, "maintenance_end": maint,
                "eol_date": eol, "last_seen_at": seen,
                "last_audited_on": self._date(today - timedelta(days=700), today)
                if rng.random() < 0.7 else None,
                "confidentiality": c, "integrity": max(1, c - rng.randint(0, 1)),
                "availability": 3 if group == "server" and seg != "internet" else rng.randint(1, 2),
                "notes": rng.choice(W.ASSET_NOTES) if rng.random() < 0.2 else "",
                "custom_fields": custom,
            })  # fmt: skip
            self.assets.append((aid, name, hostname, dname, os_name, user))
            if system is not None:
                sys_links.append({"asset_id": aid, "business_system_id": system.id})
                con_links.append({"contract_id": self.sys_contract[system.id], "asset_id": aid})
                self.sys_servers.setdefault(system.id, []).append(aid)
            elif group == "pc" and seg == "mynumber":
                own = [s for s in by_seg["mynumber"] if s.dept == dname] or by_seg["mynumber"]
                for s in rng.sample(own, min(len(own), rng.randint(1, 2))):
                    sys_links.append({"asset_id": aid, "business_system_id": s.id})
            elif group == "pc" and seg == "lgwan" and rng.random() < 0.3:
                sys_links.append({"asset_id": aid, "business_system_id": rng.choice(common).id})
            if group == "net":
                con_links.append({"contract_id": self.net_contract, "asset_id": aid})
            elif code == "ups":
                con_links.append({"contract_id": self.ups_contract, "asset_id": aid})
            if group in ("pc", "thin") and status in ("in_use", "spare"):
                self.pcs.append((aid, user, seg, dname))
        for lease in self.leases:
            lease["amount_yen"] = lease_units.get(lease["id"], 1) * 3_800 * 60
        self.L.insert(_table(Contract), self._contract_rows, "契約を作成しています")
        self.L.insert(contract_systems, self._contract_links, "契約を作成しています")
        self.L.insert(_table(Asset), rows, "資産を作成しています")
        self.L.insert(asset_systems, sys_links, "資産とシステムを関連付けています")
        self.L.insert(contract_assets, con_links, "資産と契約を関連付けています")

    def _os(self, group: str, purchase: date, age: float, model: str) -> str:
        rng = self.rng
        if group == "pc":
            old = rng.random() < (0.75 if purchase < date(2021, 10, 5) else 0.08)
            return rng.choice(W.PC_OS_OLD if old else W.PC_OS_NEW)
        if group == "thin":
            return rng.choice(W.THIN_OS)
        if group == "server":
            pool = W.SERVER_OS[2:5] if age > 6 else W.SERVER_OS[1:3] + W.SERVER_OS[5:]
            return rng.choice(pool if age > 3 else W.SERVER_OS[0:2] + W.SERVER_OS[4:5])
        if group == "mobile":  # the OS its model runs: an iPhone never runs iPadOS
            return next(os for word, os in W.MOBILE_OS.items() if word in model)
        return ""

    @staticmethod
    def _ip(segment: str, n: int) -> str:
        host, net = n % 250 + 1, n // 250
        if segment == "mynumber":
            return f"10.10.{net % 256}.{host}"
        if segment == "lgwan":
            return f"172.{16 + net // 256 % 16}.{net % 256}.{host}"
        return f"192.168.{net % 256}.{host}"

    # -- licences --------------------------------------------------------------
    def _licenses(self) -> None:
        rng, today = self.rng, self.today
        rows, assigns = [], []
        expiry = {"av": date(today.year, 12, 31), "ichitaro": None}
        for product, vendor, rule in W.LICENSES:
            lid = self.L.next_id(_table(License))
            targets: list[tuple[int | None, str]]
            if rule == "av":
                targets = [(a, "") for a, _u, _s, _d in self.pcs]
                targets += [(a, "") for ids in self.sys_servers.values() for a in ids]
            elif rule in ("office", "cal"):
                users = {u: None for _a, u, s, _d in self.pcs if s in ("lgwan", "internet") and u}
                targets = [(None, u) for u in users]
            elif rule == "cad":
                targets = [(a, "") for a, _u, _s, d in self.pcs if d in ("建設課", "上下水道課")]
            else:
                share = 0.25 if rule == "ichitaro" else 0.1
                targets = [(a, "") for a, *_ in self.pcs if rng.random() < share]
            over = rule in ("ichitaro", "cad")
            seats = max(1, int(len(targets) * 0.9)) if over else -(-len(targets) * 11 // 500) * 50
            contract = {"av": self.av_contract, "office": self.m365_contract}.get(rule)
            key = self.cred_id.get(f"{product} ライセンスキー")
            rows.append({
                "id": lid, "product": product, "vendor_id": self.vendor_id[vendor],
                "seats": max(seats, 1), "expiry_date": expiry.get(rule, date(self.fy + 1, 3, 31)),
                "key_credential_id": key, "contract_id": contract,
                "notes": "割当数が保有数を超過。追加購入を検討" if over else "",
            })  # fmt: skip
            for asset_id, user in targets:
                assigns.append({"license_id": lid, "asset_id": asset_id, "user_name": user,
                                "assigned_on": self._date(today - timedelta(days=1500), today),
                                "id": self.L.next_id(_table(LicenseAssignment))})  # fmt: skip
        self.L.insert(_table(License), rows, "ライセンスを作成しています")
        self.L.insert(_table(LicenseAssignment), assigns, "ライセンスを割り当てています")
