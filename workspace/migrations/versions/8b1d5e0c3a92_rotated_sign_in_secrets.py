"""rotated sign-in secrets

Revision ID: 8b1d5e0c3a92
Revises: 3f9c2b7e41a8
Create Date: 2026-12-04 18:40:00

- login_sessions.previous_secret_hash keeps the secret a rotation replaced (hashed), and
  login_sessions.rotated_at when: the remember-me cookie gets a new secret each time it signs
  a browser in again, and a copy of an old cookie used later ends the sign-in.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8b1d5e0c3a92"
down_revision = "3f9c2b7e41a8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_sessions") as batch:
        batch.add_column(sa.Column("previous_secret_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("login_sessions") as batch:
        batch.drop_column("rotated_at")
        batch.drop_column("previous_secret_hash")
