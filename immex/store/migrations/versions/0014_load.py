"""Jobs: the files an import job was given (uploaded through the API), kept in the
database so that a worker on any machine can read them, until the job is done.

Revision ID: 0014_load
Revises: 0007_accounts
Frozen text: imports nothing from immex.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_load"
down_revision = "0007_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name="fk_job_files_job_id_jobs"),
        sa.PrimaryKeyConstraint("id", name="pk_job_files"),
    )
    op.create_index("ix_job_files_job_id", "job_files", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_job_files_job_id", table_name="job_files")
    op.drop_table("job_files")
