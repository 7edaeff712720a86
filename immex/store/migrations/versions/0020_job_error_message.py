"""Jobs: the message of a failed job by its catalog key and fields, beside its English text.

Revision ID: 0020_job_error_message
Revises: 0015_user_language
``jobs`` gains ``error_message`` (JSON, NULL allowed): the key, English text and fields of the
message a job failed with, so that a page and the API show it in the reader's language.
``error`` keeps the English text (logs, rows written before this revision, a bug's text,
which has no key). Frozen text: imports nothing from immex.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_job_error_message"
down_revision = "0015_user_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("error_message", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("error_message")
