"""What the Update form and the import refuse in an entry, each message in full.

The rules are tried on their edges (a value exactly at a bound, a period that ends today,
a text exactly at its limit) and each refusal's words are written out by hand, because
the words are what the secretariat reads to put the entry right.
"""

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db, entries
from gdc_tracker.entries import EntryDraft
from gdc_tracker.errors import ValidationFailed
from gdc_tracker.models import Indicator, Initiative, Milestone
from gdc_tracker.periods import Period, parse_period
from tests.factories import TODAY, internet_use


def indicator(**fields: object) -> Indicator:
    """An indicator as the reference data defines one, never stored."""
    defaults: dict[str, object] = {"code": "TEST", "name": "Test", "unit": "percent"}
    return Indicator(**(defaults | fields))  # type: ignore[arg-type]


# --- a value and its bounds -------------------------------------------------------------

PERCENT = indicator(unit="percent", min_value=0.0, max_value=100.0)


@pytest.mark.parametrize("value", [0.0, 100.0, 66.5])
def test_a_percentage_from_0_to_100_is_accepted_bounds_included(value: float) -> None:
    assert entries.value_problem(PERCENT, value) is None


@pytest.mark.parametrize(
    ("rules", "value", "refusal"),
    [
        (PERCENT, 100.5, "a percentage must be between 0 and 100 (percent)"),
        (PERCENT, -0.1, "a percentage must be between 0 and 100 (percent)"),
        (
            indicator(unit="percent", min_value=0.0),
            -1.0,
            "a percentage must be at least 0 (percent)",
        ),
        (
            indicator(unit="percent", max_value=100.0),
            101.0,
            "a percentage must be at most 100 (percent)",
        ),
        (
            indicator(unit="ratio", min_value=0.0, max_value=2.0),
            2.5,
            "this value must be between 0 and 2 (ratio)",
        ),
        (indicator(unit="count", min_value=0.0), -1.0, "this value must be at least 0 (count)"),
        (indicator(unit="index", max_value=2.5), 3.0, "this value must be at most 2.5 (index)"),
        (
            indicator(unit="count", max_value=1_500_000.0),
            2e6,
            "this value must be at most 1,500,000 (count)",
        ),
        (
            indicator(unit="ratio", min_value=0.000123),
            0.0,
            "this value must be at least 0.000123 (ratio)",
        ),
        (
            indicator(unit="percent_gni", min_value=0.125),
            0.1,
            "this value must be at least 0.125 (percent of GNI per capita)",
        ),
    ],
)
def test_a_value_out_of_bounds_is_told_the_bounds_it_must_keep(
    rules: Indicator, value: float, refusal: str
) -> None:
    assert entries.value_problem(rules, value) == refusal


def test_a_value_of_an_indicator_without_bounds_is_only_checked_for_being_a_number() -> None:
    unbounded = indicator(unit="count")

    assert entries.value_problem(unbounded, -1e12) is None
    assert entries.value_problem(unbounded, None) == "enter a value"
    for not_a_number in (float("nan"), float("inf"), float("-inf")):
        assert entries.value_problem(unbounded, not_a_number) == "enter a number"


# --- breakdowns, geography levels, periods ----------------------------------------------


@pytest.mark.parametrize(
    ("allowed", "breakdown", "refusal"),
    [
        (["sex", "area"], "total", None),
        (["sex", "area"], "sex:female", None),
        (["sex", "area"], "area:rural", None),
        (["age"], "age:75+", None),
        (
            ["sex", "area"],
            "age:15-24",
            "'age' is not allowed for this indicator (allowed: sex, area)",
        ),
        ([], "sex:female", "'sex' is not allowed for this indicator (allowed: none)"),
        (["sex"], "sex:other", "'other' is not a category of sex (allowed: female, male)"),
        (["sex"], "sex", "'' is not a category of sex (allowed: female, male)"),
        (["area"], "area:female", "'female' is not a category of area (allowed: urban, rural)"),
        # a breakdown an indicator lists but the product has no categories for
        (["disability"], "disability:yes", "'yes' is not a category of disability (allowed: none)"),
    ],
)
def test_a_breakdown_must_be_one_the_indicator_allows(
    allowed: list[str], breakdown: str, refusal: str | None
) -> None:
    assert entries.disaggregation_problem(indicator(disaggregations=allowed), breakdown) == refusal


@pytest.mark.parametrize(
    ("levels", "kind", "refusal"),
    [
        ([], "world", None),  # no levels listed: every level
        (["world", "region", "country"], "country", None),
        (["country"], "world", "this indicator is reported for: country, not for the world"),
        (
            ["world", "country"],
            "region",
            "this indicator is reported for: world, country, not for a region",
        ),
        (
            ["world", "region"],
            "country",
            "this indicator is reported for: world, region, not for a country",
        ),
    ],
)
def test_a_value_for_a_level_the_indicator_is_not_reported_at_is_refused(
    levels: list[str], kind: str, refusal: str | None
) -> None:
    assert entries.geography_level_problem(indicator(geographies=levels), kind) == refusal


@pytest.mark.parametrize(
    ("period", "refusal"),
    [
        (parse_period("2025"), None),
        (Period(label="today", year=2026, end=TODAY), None),  # ends today: it has ended
        (parse_period("2026"), "2026 has not ended yet"),
        (parse_period("2026-Q4"), "2026-Q4 has not ended yet"),
        (parse_period("2026-10"), None),
        (parse_period("2026-11"), "2026-11 has not ended yet"),
        (parse_period("1990"), None),
        (parse_period("1989-12"), "1989-12 is before 1990"),
    ],
)
def test_a_period_must_have_ended_and_not_be_before_1990(
    period: Period, refusal: str | None
) -> None:
    assert entries.period_problem(period, TODAY) == refusal


@pytest.mark.parametrize(
    ("limit", "length", "rule"),
    [
        (300, 301, "use at most 300 characters (this has 301)"),
        (1, 2, "use at most 1 character (this has 2)"),
        (1_000, 1_001, "use at most 1,000 characters (this has 1,001)"),
        (1_000, None, "use at most 1,000 characters"),
        (1, None, "use at most 1 character"),
    ],
)
def test_a_text_too_long_is_told_its_limit(limit: int, length: int | None, rule: str) -> None:
    assert entries.too_long(limit, length) == rule


# --- a whole draft against the reference data -------------------------------------------


@pytest.fixture(scope="module")
def store(reference_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The reference data, with milestones of Giga (two open, one done), an open one of
    EQUALS and a retired indicator; validation only reads it."""
    path = tmp_path_factory.mktemp("validation") / "store.db"
    shutil.copy(reference_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        giga = connection.execute(
            sa.select(Initiative.id).where(Initiative.slug == "giga")
        ).scalar_one()
        equals = connection.execute(
            sa.select(Initiative.id).where(Initiative.slug == "equals")
        ).scalar_one()
        connection.execute(
            sa.insert(Milestone),
            [
                {"initiative_id": giga, "title": "Connect 100 schools", "done": False},
                {"initiative_id": giga, "title": "Connect 200 schools", "done": False},
                {"initiative_id": giga, "title": "Map 1,000 schools", "done": True},
                {"initiative_id": equals, "title": "Reach 10,000 girls", "done": False},
            ],
        )
        connection.execute(
            sa.insert(Indicator).values(
                code="RETIRED_TEST",
                name="Retired",
                unit="percent",
                is_active=False,
                disaggregations=[],
                geographies=[],
            )
        )
    yield engine
    engine.dispose()


def resolved(store: Engine, draft: EntryDraft) -> dict:
    with db.session_scope(store) as session:
        return entries.validate(session, draft, today=TODAY).values


def refusals(store: Engine, draft: EntryDraft) -> list[tuple[str, str]]:
    with db.session_scope(store) as session, pytest.raises(ValidationFailed) as raised:
        entries.validate(session, draft, today=TODAY)
    return [(problem.field, problem.message) for problem in raised.value.problems]


def scalar(store: Engine, statement: sa.Select) -> object:
    with store.connect() as connection:
        return connection.execute(statement).scalar_one()


def test_a_valid_value_is_resolved_as_it_will_be_stored(store: Engine) -> None:
    draft = internet_use(
        value="66,5",
        locale="fr",
        disaggregation="sex:female",
        narrative="  Household survey.  ",
        evidence_url="https://www.itu.int/itu-d/ind",
        source="  National statistics office ",
    )
    internet_use_id = scalar(
        store, sa.select(Indicator.id).where(Indicator.code == "UMC_INTERNET_USE")
    )

    with db.session_scope(store) as session:
        checked = entries.validate(session, draft, today=TODAY)
        assert checked.indicator is not None and checked.indicator.code == "UMC_INTERNET_USE"
    assert checked.values == {
        "indicator_id": internet_use_id,
        "value": 66.5,  # "66,5" read in French
        "disaggregation": "sex:female",
        "status": None,
        "milestones_done": None,
        "geo_code": "SLV",
        "period": "2025",
        "year": 2025,
        "period_end": date(2025, 12, 31),
        "narrative": "Household survey.",
        "evidence_url": "https://www.itu.int/itu-d/ind",
        "source": "National statistics office",
    }


def test_no_evidence_link_is_stored_as_none(store: Engine) -> None:
    assert resolved(store, internet_use(evidence_url=""))["evidence_url"] is None


def test_every_problem_of_a_draft_is_listed_by_field_in_one_refusal(store: Engine) -> None:
    draft = internet_use(
        value=104.0,
        disaggregation="income:high",
        geo_code="XXX",
        period="2027",
        evidence_url="ftp://files.example.org/survey.csv",
        source="s" * 301,
    )

    assert refusals(store, draft) == [
        ("value", "a percentage must be between 0 and 100 (percent)"),
        ("disaggregation", "'income' is not allowed for this indicator (allowed: sex, area, age)"),
        ("geography", "unknown geography 'XXX'"),
        ("period", "2027 has not ended yet"),
        ("evidence_url", "enter a full web address (https://...)"),
        ("source", "use at most 300 characters (this has 301)"),
    ]


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        ("   ", ("value", "enter a value")),
        (None, ("value", "enter a value")),
    ],
)
def test_a_missing_value_is_asked_for(
    store: Engine, value: object, refusal: tuple[str, str]
) -> None:
    assert refusals(store, internet_use(value=value)) == [refusal]


def test_texts_are_measured_without_the_spaces_around_them(store: Engine) -> None:
    at_the_limit = "n" * 5_000
    values = resolved(store, internet_use(narrative=f"  {at_the_limit}\n", source="s" * 300))

    assert values["narrative"] == at_the_limit
    assert refusals(store, internet_use(narrative="n" * 5_001)) == [
        ("narrative", "use at most 5,000 characters (this has 5,001)")
    ]
    assert refusals(store, internet_use(evidence_url="https://itu.int/" + "e" * 485)) == [
        ("evidence_url", "use at most 500 characters (this has 501)")
    ]


@pytest.mark.parametrize("link", ["not a link", "https://", "mailto:stats@itu.int", "www.itu.int"])
def test_an_evidence_link_must_be_a_full_web_address(store: Engine, link: str) -> None:
    assert refusals(store, internet_use(evidence_url=link)) == [
        ("evidence_url", "enter a full web address (https://...)")
    ]


def test_http_links_are_accepted_as_evidence(store: Engine) -> None:
    link = "http://www.itu.int/en/ITU-D/Statistics"

    assert resolved(store, internet_use(evidence_url=link))["evidence_url"] == link


def test_what_itus_actions_deliver_needs_an_evidence_link(store: Engine) -> None:
    trained = internet_use(indicator_code="ITU_ACADEMY_TRAINED", geo_code="AMS", value=120.0)

    assert refusals(store, trained) == [
        ("evidence_url", "an evidence link is required for what ITU's actions deliver")
    ]
    with_link = EntryDraft(**(trained.__dict__ | {"evidence_url": "https://academy.itu.int"}))
    assert resolved(store, with_link)["value"] == 120.0


def test_a_country_value_of_an_indicator_reported_only_for_regions_is_refused(
    store: Engine,
) -> None:
    draft = internet_use(
        indicator_code="ITU_ACADEMY_TRAINED", value=5.0, evidence_url="https://academy.itu.int"
    )

    assert refusals(store, draft) == [
        ("geography", "this indicator is reported for: world, region, not for a country")
    ]


@pytest.mark.parametrize(
    "chosen",
    [{"indicator_code": None}, {"initiative_slug": "giga"}],
    ids=["neither", "both"],
)
def test_a_draft_is_either_an_indicator_value_or_an_initiative_update(
    store: Engine, chosen: dict
) -> None:
    draft = internet_use(**chosen)

    assert ("indicator", "choose an indicator or an initiative") in refusals(store, draft)


def giga_update(**changes: object) -> EntryDraft:
    fields: dict[str, object] = {
        "period": "2025",
        "initiative_slug": "giga",
        "status": "ongoing",
        "narrative": "  Schools connected in two more countries. ",
    }
    return EntryDraft(**(fields | changes))  # type: ignore[arg-type]


def milestones_of(store: Engine, slug: str, *, done: bool) -> list[int]:
    with store.connect() as connection:
        return list(
            connection.execute(
                sa.select(Milestone.id)
                .join(Initiative, Initiative.id == Milestone.initiative_id)
                .where(Initiative.slug == slug, Milestone.done == done)
                .order_by(Milestone.id)
            ).scalars()
        )


def test_an_initiative_update_is_resolved_with_its_status_and_milestones(store: Engine) -> None:
    giga = scalar(store, sa.select(Initiative.id).where(Initiative.slug == "giga"))
    first_open, _second_open = milestones_of(store, "giga", done=False)

    with db.session_scope(store) as session:
        update = entries.validate(session, giga_update(milestones_done=(first_open,)), today=TODAY)

    assert update.indicator is None
    assert update.values["initiative_id"] == giga
    assert update.values["status"] == "ongoing"
    assert update.values["value"] is None
    assert update.values["disaggregation"] == "total"
    assert update.values["milestones_done"] == [first_open]  # only the one marked
    assert update.values["narrative"] == "Schools connected in two more countries."
    assert resolved(store, giga_update())["milestones_done"] is None


def test_an_initiative_update_names_each_missing_part(store: Engine) -> None:
    assert refusals(store, giga_update(status="stalled", narrative="   ")) == [
        ("status", "choose planned, ongoing, completed or paused"),
        ("narrative", "say what happened"),
    ]
    assert refusals(store, giga_update(initiative_slug="no-such", milestones_done=(1,))) == [
        ("initiative", "unknown initiative 'no-such'")
    ]


def test_milestones_marked_done_must_be_open_milestones_of_the_initiative(store: Engine) -> None:
    first_open, _second_open = milestones_of(store, "giga", done=False)
    (already_done,) = milestones_of(store, "giga", done=True)
    (open_elsewhere,) = milestones_of(store, "equals", done=False)

    assert refusals(store, giga_update(milestones_done=(first_open, 999_999))) == [
        ("milestones", "not an open milestone of Giga: 999999")
    ]
    assert refusals(store, giga_update(milestones_done=(already_done,))) == [
        ("milestones", f"not an open milestone of Giga: {already_done}")
    ]
    assert refusals(store, giga_update(milestones_done=(open_elsewhere, already_done))) == [
        ("milestones", f"not open milestones of Giga: {already_done}, {open_elsewhere}")
    ]


def test_an_unknown_or_retired_indicator_is_named(store: Engine) -> None:
    assert refusals(store, internet_use(indicator_code="NO_SUCH")) == [
        ("indicator", "unknown indicator 'NO_SUCH'")
    ]
    assert refusals(store, internet_use(indicator_code="RETIRED_TEST")) == [
        ("indicator", "'RETIRED_TEST' is no longer in use")
    ]


def test_a_period_that_is_no_period_is_told_how_to_write_one(store: Engine) -> None:
    assert refusals(store, internet_use(period="last year")) == [
        (
            "period",
            "'last year' is not a period: write a year (2024), a quarter (2024-Q3) or a month "
            "(2024-07)",
        )
    ]


def test_a_period_is_judged_against_the_day_given(store: Engine) -> None:
    # November 2026 has not ended on 23 November 2026, whatever the calendar says now.
    assert refusals(store, internet_use(period="2026-11")) == [
        ("period", "2026-11 has not ended yet")
    ]
    with db.session_scope(store) as session:  # no day given: today's date
        assert entries.validate(session, internet_use(period="2025")).values["year"] == 2025


def test_a_value_typed_in_words_is_refused_with_the_reason(store: Engine) -> None:
    assert refusals(store, internet_use(value="sixty")) == [("value", "Enter a number.")]
    assert entries.value_of(internet_use(value="sixty")) is None
