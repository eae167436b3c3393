"""search index and standards

Revision ID: f1c7b3e9a2d4
Revises: b3f8e1a6c925
Create Date: 2026-12-08 10:12:00

- search_documents: lessons and review threads in the fields search weighs, by network;
- lesson_standards: the standards codes each lesson lists (the network standards page);
- search_index_states: the course version each course's index was brought up to;
- the full-text index beside them, per database: an FTS5 table with triggers on SQLite, a
  generated tsvector column with a GIN index on PostgreSQL.

Existing courses are indexed by `workspace reindex` (or at their next change).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c7b3e9a2d4'
down_revision = 'b3f8e1a6c925'
branch_labels = None
depends_on = None


FIELDS = ("title", "standards", "objectives", "body", "notes")
_FIELDS = ", ".join(FIELDS)
_NEW = ", ".join(f"new.{name}" for name in FIELDS)
_OLD = ", ".join(f"old.{name}" for name in FIELDS)
SQLITE = (
    f"CREATE VIRTUAL TABLE search_fts USING fts5({_FIELDS}, content='search_documents', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_documents BEGIN "
    f"INSERT INTO search_fts(rowid, {_FIELDS}) VALUES (new.id, {_NEW}); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_documents BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {_FIELDS}) VALUES ('delete', old.id, {_OLD}); "
    "END",
    f"CREATE TRIGGER search_fts_update AFTER UPDATE OF {_FIELDS} ON search_documents BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {_FIELDS}) VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO search_fts(rowid, {_FIELDS}) VALUES (new.id, {_NEW}); END",
)
WEIGHTS = {"title": "A", "standards": "B", "objectives": "B", "notes": "C", "body": "D"}


def _pg_words(field, weight):
    text = f"regexp_replace(coalesce({field}, ''), '[^[:alnum:][:space:]]+', ' ', 'g')"
    return f"setweight(to_tsvector('english', {text}), '{weight}')"


POSTGRESQL = (
    "ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    + " || ".join(_pg_words(name, WEIGHTS[name]) for name in FIELDS)
    + ") STORED",
    "CREATE INDEX ix_search_documents_vector ON search_documents USING gin (search_vector)",
)


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref', sa.String(length=1100), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=1024), nullable=True),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('unit_title', sa.String(length=300), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('grade_band', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('standards', sa.Text(), nullable=False),
    sa.Column('objectives', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('blob_id', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_search_documents_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_search_documents_network_id_networks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_search_documents_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('kind', 'ref', name=op.f('uq_search_documents_kind'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_course_kind', ['course_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_thread_id'), ['thread_id'], unique=False)

    op.create_table('lesson_standards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['search_documents.id'], name=op.f('fk_lesson_standards_document_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_standards')),
    sa.UniqueConstraint('document_id', 'code', name=op.f('uq_lesson_standards_document_id'))
    )
    with op.batch_alter_table('lesson_standards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_standards_code'), ['code'], unique=False)

    op.create_table('search_index_states',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('commit', sa.String(length=40), nullable=False),
    sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_search_index_states_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_search_index_states'))
    )

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")  # its triggers go with search_documents
    op.drop_table('search_index_states')
    with op.batch_alter_table('lesson_standards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_standards_code'))

    op.drop_table('lesson_standards')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_thread_id'))
        batch_op.drop_index(batch_op.f('ix_search_documents_network_id'))
        batch_op.drop_index('ix_search_documents_course_kind')

    op.drop_table('search_documents')
