"""imports waiting for confirmation

Revision ID: e6a3c8d1f724
Revises: d8f2a6c4e519
Create Date: 2026-12-06 20:44:32

- course_imports: an upload of lessons waiting for its preview to be confirmed (its files
  wait in the instance folder; previews expire after a day).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a3c8d1f724'
down_revision = 'd8f2a6c4e519'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_imports',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('upload', sa.Text(), nullable=False),
    sa.Column('choices', sa.Text(), nullable=False),
    sa.Column('commit', sa.String(length=40), nullable=True),
    sa.Column('lessons', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_imports_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_imports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_imports'))
    )
    with op.batch_alter_table('course_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_imports_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_imports_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('course_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_imports_user_id'))
        batch_op.drop_index(batch_op.f('ix_course_imports_course_id'))

    op.drop_table('course_imports')
