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
from app.store.models.digests import Digest, DigestItem
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
from app.store.models.knowledge import (
    KnowledgeAnswer,
    KnowledgeNote,
    knowledge_note_notices,
    knowledge_note_regulations,
    knowledge_note_runbooks,
    knowledge_note_systems,
)
from app.store.models.notices import Notice, NoticeDeadline, notice_assets, notice_systems
from app.store.models.reference import (
    AssetType,
    Department,
    Location,
    Manufacturer,
    StandardBusiness,
)
from app.store.models.regulations import (
    Regulation,
    RegulationDependency,
    RegulationVersion,
    task_regulations,
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
from app.store.models.tags import Tag, knowledge_note_tags, notice_tags
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
    "Digest",
    "DigestItem",
    "ImportProfile",
    "KnowledgeAnswer",
    "KnowledgeNote",
    "KnownHostKey",
    "License",
    "LicenseAssignment",
    "Location",
    "Manufacturer",
    "Notice",
    "NoticeDeadline",
    "Record",
    "Regulation",
    "RegulationDependency",
    "RegulationVersion",
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
    "Tag",
    "Task",
    "TaskSeries",
    "Vendor",
    "WorkLogEntry",
    "asset_systems",
    "contract_assets",
    "contract_systems",
    "knowledge_note_notices",
    "knowledge_note_regulations",
    "knowledge_note_runbooks",
    "knowledge_note_systems",
    "knowledge_note_tags",
    "notice_assets",
    "notice_systems",
    "notice_tags",
    "runbook_assets",
    "runbook_contacts",
    "runbook_credentials",
    "runbook_systems",
    "task_assets",
    "task_notices",
    "task_regulations",
    "task_runbooks",
    "task_series_assets",
    "task_series_runbooks",
    "task_series_systems",
    "task_systems",
    "utcnow",
    "worklog_notices",
    "worklog_runbooks",
]
