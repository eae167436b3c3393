"""professional development hours

Revision ID: b5d1f7a3c096
Revises: a7c2e9f4b813
Create Date: 2026-12-04 19:55:00

- study_events: a cycle's meetings and events (planning, the taught lesson, the debrief) with
  their date and length; study_event_people: who took part (their professional-development
  hours).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5d1f7a3c096'
down_revision = 'a7c2e9f4b813'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('study_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_study_events_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_study_events_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_events'))
    )
    with op.batch_alter_table('study_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_events_study_id'), ['study_id'], unique=False)

    op.create_table('study_event_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['study_events.id'], name=op.f('fk_study_event_people_event_id_study_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_study_event_people_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_event_people')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_study_event_people_event_id'))
    )
    with op.batch_alter_table('study_event_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_event_people_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('study_event_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_event_people_user_id'))

    op.drop_table('study_event_people')
    with op.batch_alter_table('study_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_events_study_id'))

    op.drop_table('study_events')
