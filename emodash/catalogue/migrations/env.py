"""Alembic environment: migrations run on the connection `emodash.catalogue.db.migrate` passes in, versioned in the
catalogue's own table (the database may hold other Alembic users, such as Optuna's studies, in `alembic_version`)."""

from alembic import context

from emodash.catalogue.db import VERSION_TABLE
from emodash.catalogue.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection, target_metadata=Base.metadata, render_as_batch=True, version_table=VERSION_TABLE
)
with context.begin_transaction():
    context.run_migrations()
