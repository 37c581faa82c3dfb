"""`python -m gdc_tracker`: look after the store from a terminal.

python -m gdc_tracker db upgrade     create or migrate the database to the latest schema
python -m gdc_tracker db revision    show the database's schema revision and the latest
python -m gdc_tracker db recount     count the entries anew (after loading data without triggers)
python -m gdc_tracker seed           add reference data and the demo progress entries
python -m gdc_tracker seed --no-demo add reference and starter data, no demo entries
python -m gdc_tracker import FILE --indicator CODE --as-user NAME [--dry-run]
                                     preview a CSV/Excel file and import its valid rows
                                     (--indicator-map FILE_INDICATOR=CODE for files of
                                     several indicators, --sheet NAME for workbooks,
                                     --source-org/--source-dataset/... for its source)
python -m gdc_tracker users add NAME --role ROLE   add a user (password from
                                     GDC_TRACKER_PASSWORD, or asked for twice)
python -m gdc_tracker users list     list the users and their roles
python -m gdc_tracker users deactivate NAME   sign a user out everywhere and refuse her
                                     sign-ins (users reactivate NAME undoes it)
python -m gdc_tracker users reset-password NAME   print a temporary password, to be
                                     replaced at the next sign-in
python -m gdc_tracker catalogues update [--language fr]   re-extract the messages of the
                                     code and merge them into each language's catalogue
python -m gdc_tracker catalogues compile   compile the catalogues gettext reads
python -m gdc_tracker catalogues stats     count translated messages per language
"""

import argparse
import dataclasses
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from gdc_tracker import auth, bootstrap, config, db, importing
from gdc_tracker.errors import GdcTrackerError, ValidationFailed
from gdc_tracker.models import DataSource, Indicator, ReviewState, Role, User

PASSWORD_VARIABLE = "GDC_TRACKER_PASSWORD"
USER_VARIABLE = "GDC_TRACKER_USER"
MAPPING_ROLES = (
    "country",
    "country_name",
    "indicator",
    "period",
    "value",
    "disaggregation",
    "source",
    "evidence_url",
    "narrative",
)


class CliError(Exception):
    """Bad input on the command line: printed as `error: ...`, exit code 2."""


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


def cmd_db_recount(args: argparse.Namespace) -> int:
    engine = db.make_engine(config.load().database_url)
    wrong = db.recount_entries(engine)
    print(f"entry counts: {wrong} corrected" if wrong else "entry counts: all correct")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    settings = config.load()
    engine = db.make_engine(settings.database_url)
    if db.is_empty(engine):
        db.upgrade(engine)
    bootstrap.check_schema(engine)
    report = bootstrap.seed(engine, with_demo=not args.no_demo, with_starter=not args.no_starter)
    added = ", ".join(f"{n} {what}" for what, n in report.reference_rows.items()) or "nothing new"
    print(f"reference data: {added}")
    loaded = ", ".join(f"{n:,} values from {name}" for name, n in report.starter_rows.items())
    print(f"starter data: {loaded or 'already present or skipped'}")
    demo_text = f"{report.demo_rows} entries" if report.demo_rows else "already present or skipped"
    print(f"demo data: {demo_text}")
    return 0


def _ready_engine() -> Engine:
    engine = db.make_engine(config.load().database_url)
    bootstrap.check_schema(engine)
    return engine


def _identity(session: Session, username: str) -> auth.Identity:
    user = session.exec(
        select(User).where(User.username == username.strip().lower(), User.is_active)
    ).first()
    if user is None:
        raise CliError(
            f"no active user '{username}': add one with `python -m gdc_tracker users add`"
        )
    return auth.identity_of(user)


def _mapping_overrides(pairs: Sequence[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        role, separator, column = pair.partition("=")
        if not separator or role not in MAPPING_ROLES or not column:
            raise CliError(
                f"--map {pair!r}: write ROLE=COLUMN, ROLE one of {', '.join(MAPPING_ROLES)}"
            )
        overrides[role] = column
    return overrides


def _describe_mapping(mapping: importing.ColumnMapping) -> str:
    indicator = mapping.indicator_code or (
        f"column '{mapping.indicator}'" if mapping.indicator else "not chosen (--indicator CODE)"
    )
    country = f"'{mapping.country}'" + (
        f" (names: '{mapping.country_name}')" if mapping.country_name else ""
    )
    if mapping.layout == "long":
        where = f"periods '{mapping.period}', values '{mapping.value}'"
    else:
        years = mapping.year_columns
        where = (
            f"{len(years)} year columns ({years[0]}-{years[-1]})" if years else "no year columns"
        )
    return f"layout {mapping.layout}: countries {country}, indicator {indicator}, {where}"


def _progress_bar() -> Callable[[float], None] | None:
    if not sys.stderr.isatty():
        return None

    def draw(fraction: float) -> None:
        filled = int(fraction * 30)
        sys.stderr.write(f"\rwriting [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%}")
        if fraction >= 1:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return draw


SKIP_WORDS = ("skip", "-")  # --indicator-map VALUE=skip: the file's indicator is not imported


def _indicator_map(pairs: Sequence[str]) -> tuple[tuple[str, str], ...]:
    chosen = []
    for pair in pairs:
        text, separator, code = pair.rpartition("=")
        if not separator or not text.strip() or not code.strip():
            raise CliError(
                f"--indicator-map {pair!r}: write FILE_INDICATOR=CODE (or =skip), the file's "
                "indicator as its indicator column writes it"
            )
        skip = code.strip().lower() in SKIP_WORDS
        chosen.append((text.strip(), importing.SKIP if skip else code.strip()))
    return tuple(chosen)


def _print_indicator_choices(choices: Sequence[importing.IndicatorChoice]) -> None:
    """How each of the file's own indicators is imported, and why."""
    if not choices:
        return
    print(f"indicators in the file: {len(choices)}")
    how = {
        "whole file": "--indicator",
        "chosen": "--indicator-map",
        "stored": "confirmed before",
        "code": "same code",
        "name": "same name",
        "none": "no match: add --indicator-map 'VALUE=CODE' to import it",
    }
    for choice in choices[:50]:
        target = choice.code or "skipped"
        print(
            f"  {choice.file_indicator!r} ({choice.rows:,} rows) -> {target}"
            f" ({how[choice.matched_by]})"
        )
    if len(choices) > 50:
        print(f"  ... and {len(choices) - 50:,} more")


SOURCE_OPTIONS = ("key", "org", "dataset", "release", "url", "licence")


def _stored_source(session: Session, key: str) -> importing.SourceInfo | None:
    row = session.exec(select(DataSource).where(DataSource.key == key)).first()
    if row is None:
        return None
    fields = ("key", "organisation", "dataset", "release", "url", "licence", "accessed", "note")
    return importing.SourceInfo(**{name: getattr(row, name) for name in fields})


def _source(
    session: Session, args: argparse.Namespace, frame: pd.DataFrame
) -> importing.SourceInfo:
    """The file's source: a stored one named by --source-key alone, else what the file
    says of itself with each part the operator gave (--source-org...) in its place."""
    proposed = importing.propose_source(frame, date.today())
    given = {name: getattr(args, f"source_{name}") for name in SOURCE_OPTIONS}
    if not any(given.values()):
        return proposed
    if given["key"] and not any(v for k, v in given.items() if k != "key"):
        stored = _stored_source(session, given["key"])
        if stored is not None:
            return stored
        if not proposed.known:
            raise CliError(
                f"--source-key {given['key']!r}: no such data source yet; give "
                "--source-org and --source-dataset to add it"
            )
    return importing.source_of(
        given["org"] or proposed.organisation,
        given["dataset"] or proposed.dataset,
        key=given["key"] or "",
        release=given["release"] or proposed.release,
        url=given["url"] or proposed.url,
        licence=given["licence"] or proposed.licence,
        accessed=proposed.accessed or date.today(),
        note=proposed.note,
    )


def _print_source(source: importing.SourceInfo) -> None:
    if not source.known:
        print(f"source: {importing.NOT_STATED} (give --source-org and --source-dataset)")
        return
    parts = [f"release {source.release}" if source.release else ""]
    parts += [source.licence or "", source.url or ""]
    extra = ", ".join(part for part in parts if part)
    print(
        f"source: [{source.key}] {source.organisation}, {source.dataset}"
        + (f"; {extra}" if extra else "")
    )


def _print_set_aside(result: importing.ImportPreview, show: int) -> None:
    if not result.set_aside:
        return
    print("set aside (no cell for them here), by reason:")
    for line in result.set_aside_lines():
        print(f"  {line}")
    rows = result.set_aside_frame().head(show)
    if show and len(rows):
        print("rows set aside:")
    for row in rows.itertuples(index=False):
        print(f"  row {row.row}, column '{row.column}' ({row.value!r}): {row.reason}")
    if show and result.set_aside_rows > show:
        print(f"  ... and {result.set_aside_rows - show:,} more rows set aside")


def _print_statuses(result: importing.ImportPreview) -> None:
    counts = result.status_counts()
    if not any(counts):
        return
    shown = ", ".join(
        f"{code or 'not stated'}"
        + (f" ({result.status_labels[code]})" if result.status_labels.get(code) else "")
        + f": {count:,}"
        for code, count in counts.items()
    )
    print(f"observation status: {shown}")


def _print_preview(result: importing.ImportPreview, show: int) -> None:
    print(f"{result.filename}: {result.rows_read:,} rows read")
    _print_indicator_choices(result.indicator_choices)
    _print_source(result.source)
    print(f"preview: {result.summary()}")
    _print_set_aside(result, show)
    _print_statuses(result)
    groups = result.problem_groups()
    if groups:
        print("rejected, by reason:")
    for group in groups:
        print(
            f"  {len(group.rows):,} rows, column '{group.column}': {group.reason}"
            f" (rows {group.rows_in_words(5)})"
        )
    if result.problems and show:
        print("rejected rows:")
    for problem in result.problems[:show]:
        value = f" ({problem.value!r})" if problem.value else ""
        print(f"  row {problem.row_number}, column '{problem.column}'{value}: {problem.reason}")
    if len(result.problems) > show:
        print(f"  ... and {len(result.problems) - show:,} more problems")


def cmd_import(args: argparse.Namespace) -> int:
    username = args.as_user or os.environ.get(USER_VARIABLE, "")
    if not username:
        raise CliError(
            f"say who imports: --as-user USERNAME (or {USER_VARIABLE}); "
            "add users with `python -m gdc_tracker users add`"
        )
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    if path.stat().st_size > importing.MAX_FILE_BYTES:
        raise CliError(f"{path}: too large. {importing.limits_in_words()}")
    frame = _read_file(path, args.sheet)
    overrides = _mapping_overrides(args.map or [])
    chosen = _indicator_map(args.indicator_map or [])
    engine = _ready_engine()
    with db.session_scope(engine) as session:
        who = _identity(session, username)
        mapping = importing.guess_mapping(
            frame,
            layout=args.layout,
            indicator_code=args.indicator,
            indicator_codes=list(session.exec(select(Indicator.code)).all()),
        )
        mapping = dataclasses.replace(
            mapping,
            **overrides,  # type: ignore[arg-type]  # --map sets only the column fields, each a str
            default_source=args.source or "",
            indicator_map=chosen,
        )
        print(_describe_mapping(mapping))
        source = _source(session, args, frame)
        result = importing.preview(session, frame, mapping, by=who, source=source)
        _print_preview(result, args.show)
        if result.accepted == 0:
            print(f"nothing could be imported: {result.nothing_to_import()}")
            return 1
        if args.dry_run:
            print("dry run: nothing was written")
            return 0
    # The commit is a write of its own: it takes the write lock first and checks nobody
    # saved since the preview; a cell taken meanwhile is refused the same way.
    try:
        outcome = importing.commit_to_store(
            engine, result, by=who, state=args.state, progress=_progress_bar()
        )
    except importing.StoreChanged as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(outcome.message)
    return 0


def _read_file(path: Path, sheet: str | None) -> pd.DataFrame:
    try:
        return importing.read_table(path.read_bytes(), path.name, sheet=sheet)
    except importing.SheetNeeded as error:
        names = ", ".join(error.sheets)
        raise CliError(
            f"{path.name}: the workbook has {len(error.sheets)} sheets ({names}): "
            "choose one with --sheet NAME"
        ) from None


def _read_password() -> str:
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise CliError(f"set {PASSWORD_VARIABLE}, or run the command in a terminal to type it")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise CliError("the two passwords differ; nothing was saved")
    return first


def cmd_users_add(args: argparse.Namespace) -> int:
    password = _read_password()
    engine = _ready_engine()
    try:
        with db.session_scope(engine) as session:
            user = auth.create_user(
                session,
                username=args.username,
                password=password,
                role=args.role,
                display_name=args.display_name or "",
                email=args.email,
            )
            print(f"added {user.username} ({user.role})")
    except ValidationFailed as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    return 0


def cmd_users_set_active(args: argparse.Namespace) -> int:
    active = args.users_command == "reactivate"
    with db.session_scope(_ready_engine()) as session:
        user = auth.set_active(session, username=args.username, active=active, by=None)
        print(f"{user.username} {'reactivated' if active else 'deactivated'}")
    return 0


def cmd_users_reset_password(args: argparse.Namespace) -> int:
    with db.session_scope(_ready_engine()) as session:
        temporary = auth.reset_password(session, username=args.username, by=None)
    print(f"temporary password for {args.username.strip().lower()}: {temporary}")
    print("it must be replaced at the next sign-in; every sign-in of the account has ended")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    engine = _ready_engine()
    with db.session_scope(engine) as session:
        users = session.exec(select(User).order_by(User.username)).all()
    if not users:
        print("no users yet: add one with `python -m gdc_tracker users add USERNAME --role admin`")
        return 0
    width = max(len(user.username) for user in users)
    for user in users:
        active = "" if user.is_active else "  (inactive)"
        print(f"{user.username:<{width}}  {user.role:<8}  {user.display_name}{active}")
    return 0


def cmd_catalogues_update(args: argparse.Namespace) -> int:
    from gdc_tracker import catalogues

    waiting = catalogues.update(tuple(args.language) if args.language else None)
    print(f"wrote {catalogues.TEMPLATE.relative_to(catalogues.PROJECT_ROOT)}")
    for language, count in waiting.items():
        print(f"{language}: {count} messages to translate")
    return 0


def cmd_catalogues_compile(_args: argparse.Namespace) -> int:
    from gdc_tracker import catalogues

    for path in catalogues.compile_all():
        print(f"compiled {path.relative_to(catalogues.PROJECT_ROOT)}")
    return 0


def cmd_catalogues_stats(_args: argparse.Namespace) -> int:
    from gdc_tracker import catalogues, i18n

    total = len([m for m in catalogues.extract_messages() if m.id])
    print(f"en: {total} messages in the code")
    for language in i18n.available_languages():
        if language == i18n.DEFAULT_LANGUAGE:
            continue
        counts = catalogues.statistics(catalogues.read_catalogue(language))
        print(
            f"{language}: {counts.translated} of {counts.messages} translated, {counts.fuzzy} fuzzy"
        )
    return 0


def _add_catalogues_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("catalogues", help="extract, merge and compile translations")
    actions = parser.add_subparsers(dest="catalogues_command", metavar="ACTION", required=True)
    update = actions.add_parser(
        "update", help="re-extract the code's messages and merge them into each catalogue"
    )
    update.add_argument(
        "--language",
        action="append",
        metavar="CODE",
        help="the language to update or create (repeatable; default: every catalogue)",
    )
    update.set_defaults(handler=cmd_catalogues_update)
    actions.add_parser("compile", help="compile the catalogues (.po to .mo)").set_defaults(
        handler=cmd_catalogues_compile
    )
    actions.add_parser("stats", help="count translated messages per language").set_defaults(
        handler=cmd_catalogues_stats
    )


def _add_import_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="preview a CSV or Excel file of indicator values and import its valid rows",
        description="Reads FILE (long: one row per observation; wide: one column per year, as "
        "World Bank downloads), shows how many values are new, changed, unchanged or rejected "
        f"and why, then imports the valid ones in one transaction. {importing.limits_in_words()}",
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--indicator", metavar="CODE", help="the indicator of every row")
    parser.add_argument("--layout", choices=("long", "wide"), help="default: guessed")
    parser.add_argument(
        "--as-user", metavar="USERNAME", help=f"who imports (default: ${USER_VARIABLE})"
    )
    parser.add_argument(
        "--state",
        choices=[str(s) for s in ReviewState if s != ReviewState.REJECTED],
        default=str(ReviewState.DRAFT),
        help="review state of the imported entries (published: reviewers and admins only)",
    )
    parser.add_argument("--dry-run", action="store_true", help="preview only, write nothing")
    parser.add_argument(
        "--map",
        action="append",
        metavar="ROLE=COLUMN",
        help=f"use COLUMN for ROLE ({', '.join(MAPPING_ROLES)}); repeatable",
    )
    parser.add_argument(
        "--indicator-map",
        action="append",
        metavar="FILE_INDICATOR=CODE",
        help="import the rows of the file's indicator FILE_INDICATOR (as its indicator column "
        "writes it) as the tracked indicator CODE, or skip them with =skip; repeatable. "
        "Indicators written as a tracked code or name match by themselves, and matches "
        "given here are kept for the next import of a file with the same columns",
    )
    parser.add_argument("--sheet", metavar="NAME", help="the sheet of a workbook of several")
    parser.add_argument(
        "--source",
        help="free-text source of rows without one (default: the file's source, else "
        f"'{importing.NOT_STATED}')",
    )
    for name, what in (
        ("key", "the data source's key: an existing one, or the key of the one added"),
        ("org", "the organisation that publishes the data (default: what the file says)"),
        ("dataset", "the dataset (default: what the file says)"),
        ("release", "the release or vintage (default: what the file says, else today)"),
        ("url", "where the dataset is published"),
        ("licence", "the licence of the data, e.g. 'CC BY 4.0'"),
    ):
        parser.add_argument(f"--source-{name}", dest=f"source_{name}", metavar="TEXT", help=what)
    parser.add_argument(
        "--show", type=int, default=20, metavar="N", help="rejected rows to list (default 20)"
    )
    parser.set_defaults(handler=cmd_import)


def _add_users_parser(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="add, list, deactivate users or reset passwords")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add a user",
        description=f"The password is read from {PASSWORD_VARIABLE} or asked for twice; "
        "it is never a command-line argument (those show in process lists and shell history).",
    )
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", required=True, choices=[str(r) for r in Role])
    add.add_argument("--display-name", default="")
    add.add_argument("--email")
    add.set_defaults(handler=cmd_users_add)
    actions.add_parser("list", help="list users and roles").set_defaults(handler=cmd_users_list)
    for name, text in (
        ("deactivate", "sign a user out everywhere and refuse her sign-ins"),
        ("reactivate", "let a deactivated user sign in again"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("username", metavar="USERNAME")
        action.set_defaults(handler=cmd_users_set_active)
    reset = actions.add_parser(
        "reset-password",
        help="print a temporary password, to be replaced at the next sign-in",
        description="The temporary password is printed once, for you to hand over; the "
        "user's sign-ins end at once.",
    )
    reset.add_argument("username", metavar="USERNAME")
    reset.set_defaults(handler=cmd_users_reset_password)


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
    db_commands.add_parser(
        "recount", help="count the entries anew (after loading data with triggers off)"
    ).set_defaults(handler=cmd_db_recount)
    seed = commands.add_parser("seed", help="add reference data and demo progress entries")
    seed.add_argument("--no-demo", action="store_true", help="add no demo entries")
    seed.add_argument(
        "--no-starter", action="store_true", help="load no starter data (data/starter)"
    )
    seed.set_defaults(handler=cmd_seed)
    _add_import_parser(commands)
    _add_users_parser(commands)
    _add_catalogues_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (db.DatabaseError, config.ConfigError, GdcTrackerError, CliError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
