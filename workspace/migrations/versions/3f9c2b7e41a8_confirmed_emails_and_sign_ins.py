"""confirmed email addresses, emailed links and server-side sign-ins

Revision ID: 3f9c2b7e41a8
Revises: d5d6da6a516d
Create Date: 2026-11-30 10:00:00

- users.email now holds the confirmed address only (unique, empty until confirmed);
  users.pending_email holds an address waiting for its confirmation link (not unique).
  No address was ever confirmed before this revision, so every existing address becomes
  pending: it keeps working for signing in, and its owner confirms it from the profile page.
- users.session_token goes: sign-ins are rows of login_sessions, one per browser.
- email_tokens keeps the hashed secrets of confirmation and password-reset links.

On SQLite, changing users.email rebuilds the users table. Dropping the old table with foreign
keys on would cascade-delete every membership and token, so foreign keys are switched off
for the rebuild (and checked afterwards); if they cannot be (a transaction is already open
with rows to lose), the migration stops rather than lose data.
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f9c2b7e41a8"
down_revision = "d5d6da6a516d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_email_tokens_token_hash")),
    )
    with op.batch_alter_table("email_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("user_agent", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_login_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
    )
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_sessions_user_id"), ["user_id"], unique=False)

    with _foreign_keys_off():
        with op.batch_alter_table("users", schema=None) as batch_op:
            batch_op.add_column(sa.Column("pending_email", sa.String(length=254), nullable=True))
            batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=True)
            batch_op.drop_column("session_token")
            batch_op.create_index(
                batch_op.f("ix_users_pending_email"), ["pending_email"], unique=False
            )
        op.execute("UPDATE users SET pending_email = email, email = NULL")


def downgrade():
    bind = op.get_bind()
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("email", sa.String),
        sa.column("pending_email", sa.String),
        sa.column("session_token", sa.String),
    )
    with _foreign_keys_off():
        # Every account needs an address again, and addresses must be unique: a pending
        # address goes back to the first account that claimed it, if nobody confirmed it.
        rows = bind.execute(
            sa.select(users.c.id, users.c.username, users.c.email, users.c.pending_email).order_by(
                users.c.id
            )
        ).all()
        taken = {row.email for row in rows if row.email}
        for row in rows:
            if row.email:
                continue
            address = row.pending_email
            if not address or address in taken:
                address = f"{row.username}@unconfirmed.invalid"
            taken.add(address)
            bind.execute(sa.update(users).where(users.c.id == row.id).values(email=address))
        with op.batch_alter_table("users", schema=None) as batch_op:
            batch_op.drop_index(batch_op.f("ix_users_pending_email"))
            batch_op.add_column(sa.Column("session_token", sa.String(length=32), nullable=True))
            batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
            batch_op.drop_column("pending_email")
        for row in rows:
            token = secrets.token_hex(16)
            bind.execute(sa.update(users).where(users.c.id == row.id).values(session_token=token))
        with op.batch_alter_table("users", schema=None) as batch_op:
            batch_op.alter_column(
                "session_token", existing_type=sa.String(length=32), nullable=False
            )

    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_sessions_user_id"))
    op.drop_table("login_sessions")
    with op.batch_alter_table("email_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_tokens_user_id"))
    op.drop_table("email_tokens")


class _foreign_keys_off:
    """On SQLite, switch foreign keys off while a table is rebuilt; elsewhere do nothing."""

    def __enter__(self):
        self.bind = op.get_bind()
        self.sqlite = self.bind.dialect.name == "sqlite"
        if not self.sqlite:
            return self
        self.was_on = bool(self.bind.exec_driver_sql("PRAGMA foreign_keys").scalar())
        self.bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
        if self.bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
            # Inside a transaction SQLite ignores the pragma; that is harmless only while no
            # row could be cascade-deleted with the old table.
            if self.bind.execute(sa.text("SELECT count(*) FROM users")).scalar():
                raise RuntimeError(
                    "Cannot rebuild the users table with foreign keys on: run this upgrade "
                    "on its own (workspace init), not in the same run as earlier ones."
                )
        return self

    def __exit__(self, *exc):
        if not self.sqlite or exc[0] is not None:
            return False
        problems = self.bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"Foreign keys broken by the rebuild: {problems[:5]}")
        if self.was_on:
            # The rebuild's copy opened a transaction, inside which the pragma is ignored: end
            # it (SQLite does not roll DDL back for Alembic anyway), then switch them on again.
            self.bind.connection.dbapi_connection.commit()
            self.bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        return False
