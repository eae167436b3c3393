"""path history index

Revision ID: c7d2a9f4e163
Revises: f1c7b3e9a2d4
Create Date: 2026-12-06 22:05:57

- history_commits: every commit of a course's main, numbered parents-first, with its parents
  and whether everything numbered before it is its history (a "cut").
- path_changes: one row per (course, commit, file changed) with its kind, earlier name, author,
  time and first parent: a lesson's history is read from here instead of walking git.
- history_states: how far each course's index has got, and its backfill's progress.
- blame_cache: each file version's blame, one commit per line, built one diff at a time.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2a9f4e163'
down_revision = 'f1c7b3e9a2d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blame_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('commit', sa.String(length=40), nullable=False),
    sa.Column('path', sa.String(length=1024), nullable=False),
    sa.Column('blob_id', sa.String(length=64), nullable=False),
    sa.Column('lines', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_blame_cache_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blame_cache')),
    sa.UniqueConstraint('course_id', 'commit', 'path', name=op.f('uq_blame_cache_course_id'))
    )
    op.create_table('history_commits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('sha', sa.String(length=40), nullable=False),
    sa.Column('parents', sa.Text(), nullable=False),
    sa.Column('cut', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_history_commits_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history_commits')),
    sa.UniqueConstraint('course_id', 'seq', name='uq_history_commits_seq'),
    sa.UniqueConstraint('course_id', 'sha', name='uq_history_commits_sha')
    )
    op.create_table('history_states',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('head', sa.String(length=40), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('indexed', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('backfilling', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_history_states_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_history_states'))
    )
    op.create_table('path_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('commit', sa.String(length=40), nullable=False),
    sa.Column('path', sa.String(length=1024), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('old_path', sa.String(length=1024), nullable=True),
    sa.Column('author_name', sa.String(length=255), nullable=False),
    sa.Column('author_email', sa.String(length=255), nullable=False),
    sa.Column('authored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('parent', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_path_changes_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_path_changes'))
    )
    with op.batch_alter_table('path_changes', schema=None) as batch_op:
        batch_op.create_index('ix_path_changes_old_path', ['course_id', 'old_path', 'seq'], unique=False)
        batch_op.create_index('ix_path_changes_path', ['course_id', 'path', 'seq'], unique=False)


def downgrade():
    with op.batch_alter_table('path_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_path_changes_path')
        batch_op.drop_index('ix_path_changes_old_path')

    op.drop_table('path_changes')
    op.drop_table('history_states')
    op.drop_table('history_commits')
    op.drop_table('blame_cache')
