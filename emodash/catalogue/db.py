"""Opening a catalogue: an SQLAlchemy engine for a URL (an SQLite file by default, PostgreSQL by URL; a plain path
means an SQLite file), the schema brought to the newest migration, and the reference tables filled."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from emodash.catalogue import facs
from emodash.catalogue.schema import ActionUnit, Emotion, Prototype, PrototypeUnit
from emodash.core import settings
from emodash.core.errors import InputError
from emodash.core.taxonomy import CANONICAL, CANONICAL_VA

MIGRATIONS = Path(__file__).with_name("migrations")
#: the catalogue's Alembic version table (Alembic's default `alembic_version` is left to Optuna's studies)
VERSION_TABLE = "catalogue_alembic_version"
LEGACY_VERSION_TABLE = "alembic_version"


def url_for(target: str | None) -> str:
    """An SQLAlchemy URL for `target`: a URL as given, a plain path as an SQLite file, None as the setting
    (`EMODASH_DB`, default an SQLite file under the cache folder)."""
    target = target or settings.database_url()
    return target if "://" in target else f"sqlite:///{Path(target).expanduser()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # SQLite leaves them off unless asked, per connection
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the API, the page) never block the ingest, nor it them
    cur.execute("PRAGMA synchronous=NORMAL")  # durable at every checkpoint; safe with WAL
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def connect(target: str | None = None, *, upgrade: bool = True) -> Engine:
    """An engine on the catalogue at `target` (see `url_for`), its schema migrated to the newest revision and its
    reference tables (emotions, FACS) filled; InputError for a URL that is not one or a server that does not answer."""
    url_text = url_for(target)
    try:
        url = make_url(url_text)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_pre_ping=url.get_backend_name() != "sqlite")
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise InputError(
            f"{url_text!r} is not a database URL emodash can open ({exc}); use a file path, sqlite:///FILE or "
            "postgresql+psycopg://USER@HOST/DB"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        if upgrade:
            migrate(engine)
            with Session(engine) as session, session.begin():
                fill_reference(session)
        else:
            with engine.connect():
                pass
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise InputError(f"cannot open the catalogue at {url.render_as_string(hide_password=True)}: {reason}") from None
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates it in an empty database). A catalogue made before it
    had its own version table has its revision moved out of `alembic_version` first (Optuna's studies use that one)."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    revisions = {r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()}
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if LEGACY_VERSION_TABLE in tables:
            legacy = Table(LEGACY_VERSION_TABLE, MetaData(), autoload_with=conn)
            held = list(conn.scalars(select(legacy.c.version_num)))
            if held and set(held) <= revisions:  # the catalogue's, not another Alembic user's
                if VERSION_TABLE not in tables:
                    command.stamp(cfg, held)  # creates the catalogue's own version table at that revision
                legacy.drop(conn)
        command.upgrade(cfg, "head")


def fill_reference(session: Session) -> None:
    """Insert the canonical emotions and the shipped FACS tables where they are missing (idempotent)."""
    have = set(session.scalars(select(Emotion.name)))
    session.add_all(
        Emotion(name=n, valence=CANONICAL_VA[n][0], arousal=CANONICAL_VA[n][1]) for n in CANONICAL if n not in have
    )
    tables = facs.load()
    units = set(session.scalars(select(ActionUnit.number)))
    session.add_all(ActionUnit(number=n, name=name, muscles=m) for n, name, m in tables.units if n not in units)
    session.flush()
    emotion_ids = dict(session.execute(select(Emotion.name, Emotion.id)).all())
    have = set(session.scalars(select(Prototype.name)))
    for name, canonical, aus in tables.prototypes:
        if name in have:
            continue
        proto = Prototype(name=name, emotion_id=emotion_ids.get(canonical), reference=tables.source[:300])
        session.add(proto)
        session.flush()
        session.add_all(PrototypeUnit(prototype_id=proto.id, au=au, note=note) for au, note in aus)
