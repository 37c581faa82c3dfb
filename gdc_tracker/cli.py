"""`python -m gdc_tracker`: look after the store from a terminal.

python -m gdc_tracker db upgrade     create or migrate the database to the latest schema
python -m gdc_tracker db revision    show the database's schema revision and the latest
python -m gdc_tracker seed           add reference data and the demo progress entries
python -m gdc_tracker seed --no-demo add reference data only
"""

import argparse
import sys
from collections.abc import Sequence

from gdc_tracker import bootstrap, config, db


def _redacted(url: str) -> str:
    return db.make_engine(url).url.render_as_string(hide_password=True)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    settings = config.load()
    engine = db.make_engine(settings.database_url)
    before = db.current_revision(engine)
    db.upgrade(engine)
    print(f"{_redacted(settings.database_url)}: schema {before or 'empty'} -> {db.head_revision()}")
    return 0


def cmd_db_revision(args: argparse.Namespace) -> int:
    engine = db.make_engine(config.load().database_url)
    current, head = db.current_revision(engine), db.head_revision()
    print(f"database: {current or 'empty'}\nlatest:   {head}")
    return 0 if current == head else 1


def cmd_seed(args: argparse.Namespace) -> int:
    settings = config.load()
    engine = db.make_engine(settings.database_url)
    if db.is_empty(engine):
        db.upgrade(engine)
    bootstrap.check_schema(engine)
    report = bootstrap.seed(engine, with_demo=not args.no_demo)
    added = ", ".join(f"{n} {what}" for what, n in report.reference_rows.items()) or "nothing new"
    print(f"reference data: {added}")
    demo_text = f"{report.demo_rows} entries" if report.demo_rows else "already present or skipped"
    print(f"demo data: {demo_text}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gdc_tracker",
        description="Look after the GDC Tracker store. The database is DATABASE_URL, "
        "or database.url in config.toml (default: the SQLite file data/gdc_tracker.db).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    database = commands.add_parser("db", help="create, migrate or inspect the database schema")
    db_commands = database.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="create or migrate to the latest schema").set_defaults(
        handler=cmd_db_upgrade
    )
    db_commands.add_parser(
        "revision", help="show the current and latest schema revisions"
    ).set_defaults(handler=cmd_db_revision)
    seed = commands.add_parser("seed", help="add reference data and demo progress entries")
    seed.add_argument("--no-demo", action="store_true", help="add reference data only")
    seed.set_defaults(handler=cmd_seed)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (db.DatabaseError, config.ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
