"""Overview's Americas panel: a long list of initiatives stays one short element."""

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import charts, db
from gdc_tracker.models import Initiative, InitiativeRegionalInitiative, RegionalInitiative
from tests.apptest import open_page


def test_initiative_lines_list_the_first_ones_as_written_and_count_the_rest() -> None:
    initiatives = pd.DataFrame(
        {
            "name": ["Connect *every* school", "Digital skills [AMS2]", "Giga"],
            "status": ["ongoing", "planned", "completed"],
            "lead_sector": ["ITU-D", "ITU-D", "BDT"],
        }
    )
    lines, more = charts.initiative_lines(initiatives, limit=2)
    assert lines.splitlines() == [
        r"- Connect \*every\* school (ongoing, ITU-D)",
        r"- Digital skills \[AMS2\] (planned, ITU-D)",
    ]
    assert more == 1
    assert charts.initiative_lines(initiatives, limit=8) == (lines + "\n- Giga (completed, BDT)", 0)


def link_initiatives_to_ams2(engine: Engine, count: int) -> None:
    with db.session_scope(engine) as session:
        ams2 = session.execute(
            sa.select(RegionalInitiative.id).where(
                RegionalInitiative.code == "AMS2", RegionalInitiative.cycle == "2023-2025"
            )
        ).scalar_one()
        for number in range(1, count + 1):
            initiative = Initiative(
                slug=f"skills-{number:02d}",
                name=f"Skills programme {number:02d}",
                lead_sector="ITU-D",
            )
            session.add(initiative)
            session.flush()
            session.add(
                InitiativeRegionalInitiative(
                    initiative_id=initiative.id, regional_initiative_id=ams2
                )
            )
        db.bump_data_version(session)


def test_a_regional_initiative_with_many_initiatives_lists_eight_and_links_to_the_rest(
    writable_app: Engine,
) -> None:
    link_initiatives_to_ams2(writable_app, 11)
    at = open_page("app.py")
    assert not at.exception
    assert "Initiatives: **12**" in [m.value for m in at.markdown]  # and the Kit
    listed = next(m.value for m in at.markdown if "- Skills programme" in m.value)
    assert len(listed.splitlines()) == 8
    more = [e.proto for e in at.get("page_link") if "more" in e.proto.label]
    assert [link.label for link in more] == ["4 more: all of AMS2 on Regional initiatives"]
    assert more[0].page == "regional"
    assert more[0].query_string == "ri=AMS2%2F2023-2025&lang=en"
