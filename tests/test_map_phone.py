"""The Map on a phone: a vertical swipe over the map scrolls the page, and a chosen region
is framed whole, on a phone's narrow map as on a desktop's wide one.

Expected places come from geography, not from the code: the ends of the Americas (Ponta
do Seixas, Brazil's easternmost point; Cape Horn; Cape Prince of Wales, Alaska's
westernmost) and two places that are not in them (Lisbon, Dakar). What a view shows is
worked out here with the Web Mercator formulas deck.gl uses.
"""

import io
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image, ImageChops
from sqlmodel import Session

from gdc_tracker import db, maps
from gdc_tracker.views.map import map_view
from tests.apptest import open_page
from tests.browser import SCREENSHOTS, streamlit_server, wait_for_drawings, wait_until_rendered

INTERNET = "UMC_INTERNET_USE"
# (longitude, latitude) in degrees
AMERICAS_ENDS = {
    "Ponta do Seixas": (-34.79, -7.15),
    "Cape Horn": (-67.27, -55.98),
    "Cape Prince of Wales": (-168.09, 65.6),
}
OUTSIDE_THE_AMERICAS = {"Lisbon": (-9.14, 38.72), "Dakar": (-17.45, 14.69)}
DESKTOP, PHONE = (1000, 540), (380, 540)  # the map's size in CSS pixels


def world_pixels(longitude: float, latitude: float, zoom: float) -> tuple[float, float]:
    """Web Mercator: the world is 512 * 2**zoom pixels wide and high, y growing south."""
    size = 512 * 2**zoom
    x = (longitude + 180) / 360 * size
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) / math.pi) / 2 * size
    return x, y


def on_screen(view: dict[str, Any], place: tuple[float, float], size: tuple[int, int]) -> bool:
    """Whether `place` is inside a map of `size` pixels showing `view` (the deck's JSON)."""
    zoom = view["zoom"]
    centre_x, centre_y = world_pixels(view["longitude"], view["latitude"], zoom)
    x, y = world_pixels(*place, zoom)
    width, height = size
    return abs(x - centre_x) <= width / 2 and abs(y - centre_y) <= height / 2


@pytest.fixture
def session(seeded_sqlite_file: str) -> Iterator[Session]:
    engine = db.make_engine(seeded_sqlite_file)
    with db.session_scope(engine) as session:
        yield session
    engine.dispose()


def americas_deck(session: Session, map_width: int) -> dict[str, Any]:
    """The page's deck for the Americas, as JSON, framed for a map `map_width` wide."""
    view = map_view(session, code=INTERNET, region="AMS", map_width=map_width)
    options = view.map_options
    deck = maps.choropleth_deck(
        view.places,
        unit=options["unit"],
        higher_is_better=options["higher_is_better"],
        year=options["year"],
        view=options["view_state"],
    )
    return json.loads(deck.to_json())


def test_the_deck_lets_mouse_and_two_fingers_move_the_map_and_frames_the_americas(
    session: Session,
) -> None:
    document = americas_deck(session, DESKTOP[0])
    [view] = document["views"]
    assert view["controller"] == {
        "dragPan": True,
        "scrollZoom": True,
        "touchZoom": True,
        "touchRotate": False,
    }
    framed = document["initialViewState"]
    assert -180 < framed["longitude"] < 0  # the western hemisphere
    assert framed["zoom"] > maps.WORLD_VIEW.zoom
    west, east = AMERICAS_ENDS["Cape Prince of Wales"][0], AMERICAS_ENDS["Ponta do Seixas"][0]
    assert west < framed["longitude"] < east
    for name, place in AMERICAS_ENDS.items():
        assert on_screen(framed, place, DESKTOP), f"{name} is cut off"


def test_on_a_phone_the_americas_fit_the_narrow_map_and_leave_europe_and_africa_out(
    session: Session,
) -> None:
    framed = americas_deck(session, PHONE[0])["initialViewState"]
    for name, place in AMERICAS_ENDS.items():
        assert on_screen(framed, place, PHONE), f"{name} is cut off on a phone"
    for name, place in OUTSIDE_THE_AMERICAS.items():
        assert not on_screen(framed, place, PHONE), f"{name} is on the Americas' map"
    world = json.loads(maps.WORLD_VIEW.to_json())
    assert not on_screen(world, AMERICAS_ENDS["Cape Prince of Wales"], PHONE)  # why: fit


def test_the_map_page_frames_the_chosen_region_with_the_touch_controller(
    seeded_app: str,
) -> None:
    at = open_page("pages/map.py", region="AMS")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="url__region").value == "AMS"
    document = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    framed = document["initialViewState"]
    assert framed["longitude"] < 0 and framed["zoom"] > maps.WORLD_VIEW.zoom
    for name, place in AMERICAS_ENDS.items():
        assert on_screen(framed, place, DESKTOP), f"{name} is cut off"
    assert document["views"][0]["controller"]["touchZoom"] is True
    world = json.loads(open_page("pages/map.py").get("deck_gl_json_chart")[0].proto.json)
    assert world["initialViewState"]["zoom"] == maps.WORLD_VIEW.zoom


# --- In a real browser, emulating a phone -------------------------------------------------

MAP = "[data-testid='stDeckGlJsonChart']"
# Playwright's "Pixel 7" (the `browser` fixture has no Playwright object to look it up in).
PIXEL_7 = {
    "viewport": {"width": 412, "height": 839},
    "screen": {"width": 412, "height": 915},
    "device_scale_factor": 2.625,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like"
    " Gecko) Chrome/159.0.8154.6 Mobile Safari/537.36",
}


@pytest.fixture(scope="module")
def server(seeded_sqlite_file: str) -> Iterator[str]:
    with streamlit_server(seeded_sqlite_file) as base:
        yield base


def open_map(browser: object, url: str, **context: Any) -> object:
    page = browser.new_context(**context).new_page()  # type: ignore[attr-defined]
    page.goto(url)
    wait_until_rendered(page)
    wait_for_drawings(page, settle_ms=1500)
    page.locator(MAP).evaluate("map => map.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    return page


def scrolled(page: object) -> float:
    """How far the page is scrolled: Streamlit scrolls its main element, not the window."""
    return page.evaluate(  # type: ignore[attr-defined]
        "() => window.scrollY + document.querySelector(\"[data-testid='stMain']\").scrollTop"
    )


def map_picture(page: object) -> Image.Image:
    shot = page.locator(f"{MAP} canvas").first.screenshot()  # type: ignore[attr-defined]
    return Image.open(io.BytesIO(shot)).convert("RGB")


def changed_share(before: Image.Image, after: Image.Image) -> float:
    """The share of the map's pixels that changed."""
    difference = ImageChops.difference(before, after).convert("L")
    changed = sum(difference.histogram()[25:])  # brighter than 24 of 255: not noise
    return changed / (before.width * before.height)


def swipe(page: object, start: tuple[float, float], end: tuple[float, float]) -> None:
    """One finger from `start` to `end` in twelve moves, as the touch screen reports it."""
    cdp = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    steps = 12
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point(*start)]})
    for step in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * step / steps
        y = start[1] + (end[1] - start[1]) * step / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point(x, y)]})
        page.wait_for_timeout(16)  # type: ignore[attr-defined]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(800)  # type: ignore[attr-defined]  # the scroll and the redraw


def point(x: float, y: float) -> dict[str, float]:
    return {"x": x, "y": y, "radiusX": 4, "radiusY": 4, "force": 1, "id": 0}


def map_centre(page: object) -> tuple[float, float]:
    box = page.locator(MAP).bounding_box()  # type: ignore[attr-defined]
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


@pytest.mark.browser
def test_on_a_phone_a_vertical_swipe_over_the_map_scrolls_the_page(
    browser: object, server: str
) -> None:
    page = open_map(browser, server + "/map?region=AMS", **PIXEL_7)
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "map-phone.png"))  # type: ignore[attr-defined]
        x, y = map_centre(page)
        before, picture = scrolled(page), map_picture(page)
        swipe(page, (x, y + 150), (x, y - 150))
        assert scrolled(page) > before + 100, "the swipe did not scroll the page"
        page.locator(MAP).evaluate("map => map.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
        assert changed_share(picture, map_picture(page)) < 0.01, "the swipe moved the map"

        before, picture = scrolled(page), map_picture(page)
        x, y = map_centre(page)
        swipe(page, (x + 120, y), (x - 120, y))  # sideways: the map's
        assert abs(scrolled(page) - before) < 5
        assert changed_share(picture, map_picture(page)) > 0.1, "a sideways drag did not pan"
    finally:
        page.context.close()  # type: ignore[attr-defined]


@pytest.mark.browser
def test_on_a_desktop_the_mouse_still_drags_and_wheel_zooms_the_map(
    browser: object, server: str
) -> None:
    page = open_map(browser, server + "/map?region=AMS", viewport={"width": 1440, "height": 1000})
    try:
        x, y = map_centre(page)
        mouse = page.mouse  # type: ignore[attr-defined]
        away = (5, 5)  # hovering highlights a country: look at the map with the mouse away
        mouse.move(*away)
        picture = map_picture(page)
        mouse.move(x, y)
        mouse.down()
        mouse.move(x - 200, y + 60, steps=10)
        mouse.up()
        mouse.move(*away)
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
        dragged = map_picture(page)
        assert changed_share(picture, dragged) > 0.1, "a mouse drag did not pan the map"
        before = scrolled(page)
        mouse.move(x, y)
        mouse.wheel(0, -400)
        mouse.move(*away)
        page.wait_for_timeout(800)  # type: ignore[attr-defined]
        assert changed_share(dragged, map_picture(page)) > 0.1, "the wheel did not zoom"
        assert scrolled(page) == before  # the wheel over the map is the map's
    finally:
        page.context.close()  # type: ignore[attr-defined]
