"""debriefs student work and reports

Revision ID: a7c2e9f4b813
Revises: f3b8c61d2e47
Create Date: 2026-12-04 19:50:00

- study_debrief_points: each iteration's debrief, contribution by contribution, in protocol
  order (study_iterations.debrief_stage: whose turn it is), citing observations and work.
- study_student_work: photos and scans of student work, stored in the instance folder.
- studies.report_commit: the commit of the cycle's report (studies/<id>/report.md).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c2e9f4b813'
down_revision = 'f3b8c61d2e47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('study_debrief_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('iteration_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('cited_observations', sa.String(length=500), nullable=False),
    sa.Column('cited_work', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_study_debrief_points_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['iteration_id'], ['study_iterations.id'], name=op.f('fk_study_debrief_points_iteration_id_study_iterations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_debrief_points'))
    )
    with op.batch_alter_table('study_debrief_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_debrief_points_iteration_id'), ['iteration_id'], unique=False)

    op.create_table('study_student_work',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('iteration_id', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['iteration_id'], ['study_iterations.id'], name=op.f('fk_study_student_work_iteration_id_study_iterations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_study_student_work_uploader_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_student_work'))
    )
    with op.batch_alter_table('study_student_work', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_student_work_iteration_id'), ['iteration_id'], unique=False)

    with op.batch_alter_table('studies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_commit', sa.String(length=40), nullable=True))

    with op.batch_alter_table('study_iterations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('debrief_stage', sa.String(length=24), nullable=False, server_default='instructor'))



def downgrade():
    with op.batch_alter_table('study_iterations', schema=None) as batch_op:
        batch_op.drop_column('debrief_stage')

    with op.batch_alter_table('studies', schema=None) as batch_op:
        batch_op.drop_column('report_commit')

    with op.batch_alter_table('study_student_work', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_student_work_iteration_id'))

    op.drop_table('study_student_work')
    with op.batch_alter_table('study_debrief_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_debrief_points_iteration_id'))

    op.drop_table('study_debrief_points')
