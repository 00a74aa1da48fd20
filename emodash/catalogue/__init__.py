"""The SQL face-image catalogue: schema (`schema`, Alembic `migrations/`), opening a database (`db`), ingest
(`ingest`), the shipped FACS tables (`facs`) and the one query layer (`queries`) that the API and the page share.
Only the CLI writes to it."""
