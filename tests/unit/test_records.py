"""get_or_not_found: a record by id, or the message the user reads when it is gone."""

from __future__ import annotations

import pytest

from app.services.errors import NotFoundError
from app.services.inventory.vendors import get_contact, get_vendor
from app.services.records import get_or_not_found
from app.store.models import Vendor


def test_found_and_gone_named_by_the_record_kind(db) -> None:
    with db.sessions.begin() as s:
        vendor = Vendor(name="架空システムズ株式会社")
        s.add(vendor)
        s.flush()
        vendor_id = vendor.id
    with db.sessions() as s:
        assert get_or_not_found(s, Vendor, vendor_id).name == "架空システムズ株式会社"
        with pytest.raises(NotFoundError) as info:
            get_vendor(s, 999)
        assert str(info.value) == "ベンダー（ID 999）は見つかりません。削除された可能性があります。"
        with pytest.raises(NotFoundError, match=r"^連絡先（ID 5）は見つかりません"):
            get_contact(s, 5)
