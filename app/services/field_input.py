"""What an editor sends, read field by field: typed column values out, and a FieldError
per bad field (all of them, in the order of the fields) instead of stopping at the first.
Every area's services read their editors' input with it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app import jdate
from app.services.errors import FieldError, ValidationError

_INT_JUNK = re.compile(r"[,\s円¥￥]")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_RE = re.compile(r"^[0-9+()\-\s]+(?:(?:内線|ext\.?|x)\s*[0-9]+)?$", re.IGNORECASE)
_URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
MAX_NOTES = 20_000


@dataclass(frozen=True)
class Choice:
    """One entry of a combo box: the stored value and what the user sees."""

    id: Any
    name: str


@dataclass(frozen=True)
class LinkedItem:
    """A record listed under another one (a covered asset, a linked contract, …)."""

    id: int
    label: str
    detail: str = ""


class FieldReader:
    """Reads editor values (strings or typed values) into column values, collecting
    a FieldError per bad field instead of stopping at the first."""

    def __init__(self, labels: Mapping[str, str], data: Mapping[str, Any]) -> None:
        self.labels = labels
        self.data = data
        self.errors: list[FieldError] = []
        for name in data:
            if name not in labels:
                self.errors.append(FieldError(name, name, "不明な項目です"))

    def has(self, name: str) -> bool:
        return name in self.data

    def error(self, name: str, message: str) -> None:
        self.errors.append(FieldError(name, self.labels.get(name, name), message))

    def failed(self, name: str) -> bool:
        return any(e.field == name for e in self.errors)

    def raw(self, name: str) -> Any:
        value = self.data.get(name)
        return value.strip() if isinstance(value, str) else value

    def text(self, name: str, limit: int, *, required: bool = False) -> str:
        value = self.raw(name)
        text = "" if value is None else str(value)
        if required and not text:
            self.error(name, "必須です")
        if len(text) > limit:
            self.error(name, f"{limit}文字以内で入力してください（{len(text)}文字）")
        if "\x00" in text:
            self.error(name, "制御文字（NUL）は使えません")
        return text

    def date(self, name: str) -> date | None:
        value = self.raw(name)
        if isinstance(value, date):
            return value
        try:
            return jdate.parse_optional_date(value)
        except jdate.JDateError as exc:
            self.error(name, str(exc))
            return None

    def integer(
        self, name: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        """An integer written with full-width digits, commas or 円 is accepted."""
        value = self.raw(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.error(name, "数値で入力してください")
            return None
        if isinstance(value, int):
            number = value
        else:
            text = _INT_JUNK.sub("", unicodedata.normalize("NFKC", str(value)))
            if not re.fullmatch(r"[+-]?\d+", text):
                self.error(name, f"整数で入力してください: {value}")
                return None
            number = int(text)
        if minimum is not None and number < minimum:
            self.error(name, f"{minimum}以上で入力してください")
        elif maximum is not None and number > maximum:
            self.error(name, f"{maximum:,}以下で入力してください")
        return number

    def flag(self, name: str) -> bool:
        value = self.raw(name)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes", "on", "はい")
        return bool(value)

    def ref_id(self, session: Session, name: str, model: type, *, text_key: bool = False) -> Any:
        """The id of an existing ``model`` row (None when empty)."""
        value = self.raw(name)
        if value is None or value == "":
            return None
        key: Any = str(value)
        if not text_key:
            try:
                key = int(value)
            except (TypeError, ValueError):
                self.error(name, "選択肢にない値です")
                return None
        if session.get(model, key) is None:
            self.error(name, "選択肢にない値です")
            return None
        return key

    def email(self, name: str, limit: int) -> str:
        text = self.text(name, limit)
        if text and not _EMAIL_RE.match(text):
            self.error(name, "メールアドレスの形式ではありません（例: support@example.co.jp）")
        return text

    def phone(self, name: str, limit: int) -> str:
        text = self.text(name, limit)
        if text and not _PHONE_RE.match(unicodedata.normalize("NFKC", text)):
            self.error(name, "電話番号に使えない文字が含まれています（例: 03-1234-5678）")
        return text

    def url(self, name: str, limit: int) -> str:
        text = self.text(name, limit)
        if text and not _URL_RE.match(text):
            self.error(name, "http:// または https:// で始まるURLを入力してください")
        return text

    def raise_if_failed(self) -> None:
        """Raise ValidationError listing the problems in the order of the fields."""
        if self.errors:
            order = {name: n for n, name in enumerate(self.labels)}
            self.errors.sort(key=lambda e: order.get(e.field, len(order)))
            raise ValidationError(self.errors)
