"""adaptations

Revision ID: b3f8e1a6c925
Revises: a9e5d2c8b716
Create Date: 2026-12-06 21:21:08

- adaptations: a lesson copied from another course (the copy's `based_on` names it too), so the
  original lists its adaptations; kept current when either side is renamed or deleted.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f8e1a6c925'
down_revision = 'a9e5d2c8b716'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('adaptations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_course_id', sa.Integer(), nullable=False),
    sa.Column('source_path', sa.String(length=1024), nullable=False),
    sa.Column('target_course_id', sa.Integer(), nullable=False),
    sa.Column('target_path', sa.String(length=1024), nullable=False),
    sa.Column('base_commit', sa.String(length=40), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_adaptations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_course_id'], ['courses.id'], name=op.f('fk_adaptations_source_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_course_id'], ['courses.id'], name=op.f('fk_adaptations_target_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adaptations'))
    )
    with op.batch_alter_table('adaptations', schema=None) as batch_op:
        batch_op.create_index('ix_adaptations_source', ['source_course_id', 'source_path'], unique=False)
        batch_op.create_index('ix_adaptations_target', ['target_course_id', 'target_path'], unique=True)



def downgrade():
    with op.batch_alter_table('adaptations', schema=None) as batch_op:
        batch_op.drop_index('ix_adaptations_target')
        batch_op.drop_index('ix_adaptations_source')

    op.drop_table('adaptations')
