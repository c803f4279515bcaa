"""All mapped classes, importable from one place."""

from app.store.models.attachments import Attachment
from app.store.models.base import Base, Record, Searchable, utcnow
from app.store.models.checklists import (
    Checklist,
    ChecklistProgress,
    ChecklistTemplate,
    ChecklistTemplateItem,
)
from app.store.models.credentials import CredentialRef, KnownHostKey, SshHost
from app.store.models.custom_fields import CustomFieldDef
from app.store.models.history import ChangeLogEntry
from app.store.models.import_profiles import ImportProfile
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
from app.store.models.notices import Notice, NoticeDeadline, notice_assets, notice_systems
from app.store.models.reference import (
    AssetType,
    Department,
    Location,
    Manufacturer,
    StandardBusiness,
)
from app.store.models.runbooks import (
    Runbook,
    RunbookStep,
    runbook_assets,
    runbook_contacts,
    runbook_credentials,
    runbook_systems,
)
from app.store.models.searchdoc import SearchDoc, SearchKind
from app.store.models.settings import Setting
from app.store.models.stocktake import StocktakeScan, StocktakeSession
from app.store.models.worklog import (
    Task,
    TaskSeries,
    WorkLogEntry,
    task_assets,
    task_notices,
    task_runbooks,
    task_series_assets,
    task_series_runbooks,
    task_series_systems,
    task_systems,
    worklog_notices,
    worklog_runbooks,
)

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
    "Manufacturer",
    "Notice",
    "NoticeDeadline",
    "Record",
    "Runbook",
    "RunbookStep",
    "SearchDoc",
    "SearchKind",
    "Searchable",
    "Setting",
    "SshHost",
    "StandardBusiness",
    "StocktakeScan",
    "StocktakeSession",
    "Task",
    "TaskSeries",
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
    "runbook_systems",
    "task_assets",
    "task_notices",
    "task_runbooks",
    "task_series_assets",
    "task_series_runbooks",
    "task_series_systems",
    "task_systems",
    "utcnow",
    "worklog_notices",
    "worklog_runbooks",
]
