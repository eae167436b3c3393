"""lesson study cycles

Revision ID: f3b8c61d2e47
Revises: e2a9d4c7f150
Create Date: 2026-12-04 19:40:00

- studies: a lesson-study cycle on one lesson (title, theme, goals, questions, phase).
- study_members: the cycle's team (facilitator, planners, instructor, observers with their
  assignment, knowledgeable other); study_phase_moves: who moved the phase, when.
- study_iterations: each teaching, the commit taught and its tag; study_observations: the
  observers' time-stamped notes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8c61d2e47'
down_revision = 'e2a9d4c7f150'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('studies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=1024), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('theme', sa.Text(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_studies_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_studies_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studies'))
    )
    with op.batch_alter_table('studies', schema=None) as batch_op:
        batch_op.create_index('ix_studies_course_path', ['course_id', 'path'], unique=False)

    op.create_table('study_iterations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('commit', sa.String(length=40), nullable=False),
    sa.Column('tag', sa.String(length=200), nullable=False),
    sa.Column('taught_on', sa.Date(), nullable=True),
    sa.Column('setting', sa.String(length=300), nullable=False),
    sa.Column('instructor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instructor_id'], ['users.id'], name=op.f('fk_study_iterations_instructor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_study_iterations_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_iterations')),
    sa.UniqueConstraint('study_id', 'number', name=op.f('uq_study_iterations_study_id'))
    )
    with op.batch_alter_table('study_iterations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_iterations_study_id'), ['study_id'], unique=False)

    op.create_table('study_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('assignment', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_study_members_study_id_studies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_study_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_members')),
    sa.UniqueConstraint('study_id', 'user_id', 'role', name=op.f('uq_study_members_study_id'))
    )
    with op.batch_alter_table('study_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_members_study_id'), ['study_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_members_user_id'), ['user_id'], unique=False)

    op.create_table('study_phase_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('from_phase', sa.String(length=16), nullable=True),
    sa.Column('to_phase', sa.String(length=16), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_study_phase_moves_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_study_phase_moves_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_phase_moves'))
    )
    with op.batch_alter_table('study_phase_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_phase_moves_study_id'), ['study_id'], unique=False)

    op.create_table('study_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('iteration_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=True),
    sa.Column('minute', sa.Integer(), nullable=False),
    sa.Column('focus', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('start_line', sa.Integer(), nullable=True),
    sa.Column('end_line', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['iteration_id'], ['study_iterations.id'], name=op.f('fk_study_observations_iteration_id_study_iterations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['observer_id'], ['users.id'], name=op.f('fk_study_observations_observer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_observations'))
    )
    with op.batch_alter_table('study_observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_observations_iteration_id'), ['iteration_id'], unique=False)



def downgrade():
    with op.batch_alter_table('study_observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_observations_iteration_id'))

    op.drop_table('study_observations')
    with op.batch_alter_table('study_phase_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_phase_moves_study_id'))

    op.drop_table('study_phase_moves')
    with op.batch_alter_table('study_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_study_members_study_id'))

    op.drop_table('study_members')
    with op.batch_alter_table('study_iterations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_iterations_study_id'))

    op.drop_table('study_iterations')
    with op.batch_alter_table('studies', schema=None) as batch_op:
        batch_op.drop_index('ix_studies_course_path')

    op.drop_table('studies')
