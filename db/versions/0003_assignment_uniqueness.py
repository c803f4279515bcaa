"""one seat per licence and asset (or user); stock-take scans indexed by asset

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Before the unique indexes are created, assignments repeating another of the same
licence to the same asset (or, without an asset, the same user) are removed, keeping
the earliest. The service has always refused such repeats; only a file edited by
other tools could hold them, and they counted one seat twice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM license_assignments WHERE asset_id IS NOT NULL AND id NOT IN ("
        "SELECT min(id) FROM license_assignments WHERE asset_id IS NOT NULL "
        "GROUP BY license_id, asset_id)"
    )
    op.execute(
        "DELETE FROM license_assignments WHERE asset_id IS NULL AND id NOT IN ("
        "SELECT min(id) FROM license_assignments WHERE asset_id IS NULL "
        "GROUP BY license_id, user_name)"
    )
    with op.batch_alter_table('license_assignments', schema=None) as batch_op:
        batch_op.create_index(
            'uq_license_assignments_asset', ['license_id', 'asset_id'], unique=True,
            sqlite_where=sa.text('asset_id IS NOT NULL'),
            postgresql_where=sa.text('asset_id IS NOT NULL'),
        )
        batch_op.create_index(
            'uq_license_assignments_user', ['license_id', 'user_name'], unique=True,
            sqlite_where=sa.text('asset_id IS NULL'),
            postgresql_where=sa.text('asset_id IS NULL'),
        )
    with op.batch_alter_table('stocktake_scans', schema=None) as batch_op:
        batch_op.create_index(
            'ix_stocktake_scans_session_asset', ['session_id', 'asset_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('stocktake_scans', schema=None) as batch_op:
        batch_op.drop_index('ix_stocktake_scans_session_asset')
    with op.batch_alter_table('license_assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_license_assignments_user')
        batch_op.drop_index('uq_license_assignments_asset')
