"""All mapped classes, importable from one place."""

from app.store.models.base import Base, Record, Searchable, utcnow
from app.store.models.checklists import (
    Checklist,
    ChecklistProgress,
    ChecklistTemplate,
    ChecklistTemplateItem,
)
from app.store.models.history import ChangeLogEntry
from app.store.models.inventory import (
    ASSET_FIELDS,
    Asset,
    BusinessSystem,
    Contact,
    Contract,
    License,
    LicenseAssignment,
    Vendor,
    asset_systems,
    contract_assets,
    contract_systems,
)
from app.store.models.ledger_extras import (
    CustomFieldDef,
    ImportProfile,
    StocktakeScan,
    StocktakeSession,
)
from app.store.models.misc import Attachment, CredentialRef, KnownHostKey, Setting, SshHost
from app.store.models.notices import Notice, NoticeDeadline, notice_assets, notice_systems
from app.store.models.reference import AssetType, Department, Location, StandardBusiness
from app.store.models.runbooks import (
    Runbook,
    RunbookStep,
    runbook_assets,
    runbook_contacts,
    runbook_credentials,
)
from app.store.models.searchdoc import SearchDoc
from app.store.models.worklog import Task, WorkLogEntry

__all__ = [
    "ASSET_FIELDS",
    "Asset",
    "AssetType",
    "Attachment",
    "Base",
    "BusinessSystem",
    "ChangeLogEntry",
    "Checklist",
    "ChecklistProgress",
    "ChecklistTemplate",
    "ChecklistTemplateItem",
    "Contact",
    "Contract",
    "CredentialRef",
    "CustomFieldDef",
    "Department",
    "ImportProfile",
    "KnownHostKey",
    "License",
    "LicenseAssignment",
    "Location",
    "Notice",
    "NoticeDeadline",
    "Record",
    "Runbook",
    "RunbookStep",
    "SearchDoc",
    "Searchable",
    "Setting",
    "SshHost",
    "StandardBusiness",
    "StocktakeScan",
    "StocktakeSession",
    "Task",
    "Vendor",
    "WorkLogEntry",
    "asset_systems",
    "contract_assets",
    "contract_systems",
    "notice_assets",
    "notice_systems",
    "runbook_assets",
    "runbook_contacts",
    "runbook_credentials",
    "utcnow",
]
