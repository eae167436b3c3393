"""changes in answer to threads

Revision ID: e2a9d4c7f150
Revises: c4e7a1f09b23
Create Date: 2026-12-04 19:25:00

- thread_comments.answer_commit: a comment that records a saved change made in answer to the
  thread names that change's commit, so the thread and the version link to each other.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e2a9d4c7f150"
down_revision = "c4e7a1f09b23"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("thread_comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_commit", sa.String(length=40), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_thread_comments_answer_commit"), ["answer_commit"], unique=False
        )


def downgrade():
    with op.batch_alter_table("thread_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_comments_answer_commit"))
        batch_op.drop_column("answer_commit")
