"""WCAG 2.1 AA in a real headless Chromium, as a person using a screen reader, a keyboard
or a screen magnifier meets the app.

axe-core (node_modules/axe-core, pinned by package-lock.json) checks every page state
against the WCAG 2.0 and 2.1 A and AA rules: the anonymous explore pages and their views,
the presenter's show mode, and each write page signed in with the role it needs. Each
state must have no violation at all. What axe found is also written to
artifacts/accessibility/ (git-ignored), one JSON file per state.

What axe does not check is checked here too, on the same visit to each state: one h1 and
a heading outline that skips no level, no "link to this heading" tab stop, a name on
every chart and map, and no chart reading its field names out. A keyboard alone moves
through the Update form and the presenter's controls, in order, with a focus ring that
can be seen. Colours are measured with WCAG's contrast formula, not judged by eye.
"""

import itertools
import json
import math
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from gdc_tracker import db, decks
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.palette import (
    CAPTION_COLOUR,
    FOCUS_COLOUR,
    INITIATIVE_COLOURS,
    PROGRESS_COLOURS,
)
from tests.browser import (
    PROJECT_ROOT,
    sign_in_from_sidebar,
    streamlit_server,
    wait_for_drawings,
    wait_until_rendered,
)
from tests.conftest import unavailable
from tests.factories import make_user

AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RESULTS = PROJECT_ROOT / "artifacts" / "accessibility"
VIEWPORT = {"width": 1400, "height": 1100}
USERS = {"editor": "ada.editor", "reviewer": "rui.reviewer", "admin": "ama.admin"}
DECK = "accessible-deck"
NODES_LISTED = 5  # per rule in a failure message; the JSON file has them all


# Contrast, as WCAG 2.1 defines it (relative luminance of sRGB colours)


def linear_rgb(colour: str) -> tuple[float, ...]:
    """ "#0072B2" as linear-light red, green and blue, each from 0 to 1."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)


def luminance(colour: str) -> float:
    red, green, blue = linear_rgb(colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def css_hex(css_colour: str) -> str:
    """ "rgb(0, 114, 178)" as "#0072b2"."""
    red, green, blue = (int(float(n)) for n in re.findall(r"[\d.]+", css_colour)[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def theme_background() -> str:
    """The page's background as .streamlit/config.toml sets it; Streamlit's light theme
    is white when it sets none."""
    with (PROJECT_ROOT / ".streamlit" / "config.toml").open("rb") as file:
        theme = tomllib.load(file).get("theme", {})
    return theme.get("backgroundColor", "#FFFFFF")


SIDEBAR_BACKGROUND = "#F8F8F7"  # Streamlit's light sidebar, as axe measured it


# How colours look to people with colour-vision deficiencies: Machado, Oliveira and
# Fernandes (2009), severity 1, applied to linear RGB; distances in CIEDE2000.
DEFICIENCIES = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}  # fmt: skip


def lab(rgb: tuple[float, ...]) -> tuple[float, float, float]:
    red, green, blue = (min(max(c, 0.0), 1.0) for c in rgb)
    x = (0.4124564 * red + 0.3575761 * green + 0.1804375 * blue) / 0.95047
    y = 0.2126729 * red + 0.7151522 * green + 0.0721750 * blue
    z = (0.0193339 * red + 0.1191920 * green + 0.9503041 * blue) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def ciede2000(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    (l1, a1, b1), (l2, a2, b2) = first, second
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = math.degrees(math.atan2(b1, a1)) % 360, math.degrees(math.atan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_bar = (l1 + l2) / 2, (c1 + c2) / 2
    h_mean = h1 + h2 if c1 * c2 == 0 else (h1 + h2 + (360 if abs(h1 - h2) > 180 else 0)) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar, 1 + 0.015 * c_bar * t
    rotation = -2 * math.sqrt(c_bar**7 / (c_bar**7 + 25**7))
    rotation *= math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
    terms = (d_l / s_l, d_c / s_c, d_h / s_h)
    return math.sqrt(sum(term**2 for term in terms) + rotation * terms[1] * terms[2])


def as_seen(colour: str, matrix: tuple[tuple[float, ...], ...] | None) -> tuple[float, ...]:
    rgb = linear_rgb(colour)
    if matrix is None:
        return lab(rgb)
    return lab(tuple(sum(m * c for m, c in zip(row, rgb, strict=True)) for row in matrix))


@pytest.mark.parametrize(
    "palette", [PROGRESS_COLOURS, INITIATIVE_COLOURS], ids=["progress", "initiative"]
)
def test_every_status_colour_stands_out_from_the_page_by_3_to_1(palette: dict) -> None:
    background = theme_background()
    faint = {status: round(contrast(c, background), 2) for status, c in palette.items()}
    assert all(ratio >= 3 for ratio in faint.values()), faint


@pytest.mark.parametrize(
    "palette", [PROGRESS_COLOURS, INITIATIVE_COLOURS], ids=["progress", "initiative"]
)
@pytest.mark.parametrize("vision", [None, *DEFICIENCIES], ids=["typical", *DEFICIENCIES])
def test_status_colours_stay_apart_for_colour_blind_readers(
    palette: dict, vision: str | None
) -> None:
    matrix = DEFICIENCIES[vision] if vision else None
    seen = {status: as_seen(colour, matrix) for status, colour in palette.items()}
    closest = min((ciede2000(seen[a], seen[b]), a, b) for a, b in itertools.combinations(seen, 2))
    assert closest[0] >= 10, f"{closest[1]} and {closest[2]} look alike ({closest[0]:.1f})"


def test_captions_and_the_focus_ring_read_on_the_page_and_the_sidebar() -> None:
    for background in (theme_background(), SIDEBAR_BACKGROUND):
        assert contrast(CAPTION_COLOUR, background) >= 4.5  # text
        assert contrast(FOCUS_COLOUR, background) >= 3  # a control's outline


# The page states, as a person reaches them


@dataclass(frozen=True)
class PageState:
    """One state of a page as a person reaches it.

    A visitor opens `path`; a signed-in person (`role`) signs in on the home page and
    follows the sidebar link `menu`, because a sign-in lasts for the browser's session
    and a fresh address would start a new one.
    """

    name: str
    path: str
    role: str | None = None
    menu: str | None = None
    language: str | None = None

    @property
    def label(self) -> str:
        return self.name if self.language is None else f"{self.name}-{self.language}"

    def address(self) -> str:
        if self.language is None:
            return self.path
        separator = "&" if "?" in self.path else "?"
        return f"{self.path}{separator}lang={self.language}"


EXPLORE_STATES = [
    PageState("overview", "/"),
    PageState("objectives", "/objectives"),
    PageState("initiatives", "/initiatives"),
    PageState("initiatives-matrix", "/initiatives?view=matrix"),
    PageState("initiatives-timeline", "/initiatives?view=timeline"),
    PageState("initiative-detail", "/initiatives?initiative=giga"),
    PageState("implementation", "/implementation"),
    PageState("implementation-item", "/implementation?framework=gdc&columns=sector&item=17"),
    PageState("implementation-gaps", "/implementation?view=gaps"),
    PageState("implementation-cycle", "/implementation?view=cycle"),
    PageState("indicators", "/indicators"),
    PageState("indicator-chosen", "/indicators?indicator=UMC_FIXED_BB_PRICE&geo=AMS&geo=EUR"),
    PageState("map", "/map"),
    PageState("regional", "/regional"),
    PageState("present", "/present"),
    PageState("present-show-chart", f"/present?deck={DECK}&mode=show&slide=1"),
    PageState("present-show-map", f"/present?deck={DECK}&mode=show&slide=2"),
    PageState("changes", "/changes"),
    PageState("reports", "/reports"),
]
WRITE_STATES = [
    PageState("update", "/update", role="editor", menu="Update"),
    PageState("import", "/import", role="editor", menu="Import"),
    PageState("present-builder", "/present", role="editor", menu="Present"),
    PageState("review", "/review", role="reviewer", menu="Review"),
    PageState("admin", "/admin", role="admin", menu="Admin"),
]
# Each language is checked on a few pages: add its code here when its catalogue arrives.
LANGUAGES = ["fr", "es", "ar", "zh", "ru"]
LANGUAGE_PAGES = ["overview", "indicator-chosen"]
LANGUAGE_STATES = [
    replace(state, language=language)
    for language in LANGUAGES
    for state in EXPLORE_STATES
    if state.name in LANGUAGE_PAGES
]
PAGE_STATES = EXPLORE_STATES + WRITE_STATES + LANGUAGE_STATES


def states(check: str) -> list:
    """Every page state, each one test case named by its label (`check` names the rule)."""
    return [pytest.param(state, id=state.label) for state in PAGE_STATES]


def require_axe() -> Path:
    if not AXE_SCRIPT.exists():
        message = f"{AXE_SCRIPT} not found: run `npm ci` at the project root to install axe-core"
        unavailable(message)
    return AXE_SCRIPT


@pytest.fixture(scope="module")
def accessible_store(seeded_sqlite_file: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A writable copy of the seeded store with one person per role and a saved deck."""
    target = tmp_path_factory.mktemp("accessibility") / "store.db"
    shutil.copy(Path(seeded_sqlite_file.removeprefix("sqlite:///")), target)
    url = f"sqlite:///{target}"
    engine = db.make_engine(url)
    people = {role: make_user(engine, username, role) for role, username in USERS.items()}
    deck = DeckContent(
        slug=DECK,
        title="Council working group",
        slides=(
            Slide("indicator", {"indicator": "UMC_INTERNET_USE", "geo": ["WLD", "AMS"]}),
            Slide("map", {"indicator": "UMC_4G_COVERAGE", "year": "2020"}),
            Slide("objective", {"objective": "2"}),
        ),
        auto_advance_seconds=600,  # the Pause control is drawn; no slide moves on its own
    )
    with db.session_scope(engine) as session:
        decks.save_deck(session, deck, by=people["editor"])
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def server(accessible_store: str) -> Iterator[str]:
    with streamlit_server(accessible_store) as base:
        yield base


@pytest.fixture(scope="module")
def tab_for(browser: object, server: str) -> Iterator[Callable[[str | None], object]]:
    """One browser tab for visitors and one per role, signed in once and reused."""
    opened: dict[str | None, object] = {}

    def tab(role: str | None) -> object:
        if role not in opened:
            page = browser.new_page(viewport=VIEWPORT)  # type: ignore[attr-defined]
            if role is not None:
                sign_in_from_sidebar(page, server, USERS[role])
            opened[role] = page
        return opened[role]

    yield tab
    for page in opened.values():
        page.close()  # type: ignore[attr-defined]


def open_state(tab_for: Callable[[str | None], object], server: str, state: PageState) -> object:
    page = tab_for(state.role)
    if state.menu is None:
        page.goto(server + state.address())  # type: ignore[attr-defined]
    else:
        sidebar = page.locator("[data-testid='stSidebar']")  # type: ignore[attr-defined]
        sidebar.get_by_role("link", name=state.menu, exact=True).click()
        page.wait_for_url(re.compile(rf"{re.escape(state.path)}(\?|$)"), timeout=30_000)  # type: ignore[attr-defined]
    wait_until_rendered(page)
    wait_for_drawings(page)
    assert page.locator("[data-testid='stException']").count() == 0, f"{state.label}: an error"  # type: ignore[attr-defined]
    return page


# What a visit to a state records

OBSERVE = """() => {
  const GUIDES = ['axis', 'legend', 'title', 'column-header', 'row-header', 'column-title',
    'row-title'].map(role => `svg.marks .role-${role} text`).join(', ');
  const shown = e => e.offsetParent !== null || getComputedStyle(e).position === 'fixed';
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(shown)
    .map(h => [Number(h.tagName[1]), h.innerText.trim().slice(0, 80)]);
  const headingLinks = document.querySelectorAll(
    "[data-testid='stHeaderActionElements'] a[href^='#']").length;
  const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].map(c => ({
    kind: 'chart', role: c.getAttribute('role'), name: c.getAttribute('aria-label') || '',
    spoken: [...c.querySelectorAll('svg.marks [aria-label]')]
      .filter(m => !m.closest("[aria-hidden='true']"))
      .map(m => m.getAttribute('aria-label')),
    guideText: [...new Set([...c.querySelectorAll(GUIDES)].map(g => g.getAttribute('fill')))]
      .filter(fill => fill && fill.startsWith('#'))}));
  const maps = [...document.querySelectorAll("[data-testid='stDeckGlJsonChart']")].map(m => ({
    kind: 'map', role: m.getAttribute('role'), name: m.getAttribute('aria-label') || '',
    spoken: [], guideText: []}));
  return {headings, headingLinks, graphics: charts.concat(maps)};
}"""


@dataclass(frozen=True)
class Visit:
    violations: list[dict]
    headings: list[list]
    heading_links: int
    graphics: list[dict]


def axe_violations(page: object, axe_script: Path) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # type: ignore[attr-defined]
        page.add_script_tag(path=str(axe_script))  # type: ignore[attr-defined]
    results = page.evaluate(  # type: ignore[attr-defined]
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return results["violations"]


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe-core, asked for first so that a missing one skips before a server starts."""
    return require_axe()


@pytest.fixture(scope="module")
def visit(
    axe_script: Path, tab_for: Callable[[str | None], object], server: str
) -> Callable[[PageState], Visit]:
    """Each state visited once: axe's violations and what the page exposes."""
    seen: dict[str, Visit] = {}

    def visit_state(state: PageState) -> Visit:
        if state.label not in seen:
            page = open_state(tab_for, server, state)
            violations = axe_violations(page, axe_script)
            exposed = page.evaluate(OBSERVE)  # type: ignore[attr-defined]
            seen[state.label] = Visit(
                violations, exposed["headings"], exposed["headingLinks"], exposed["graphics"]
            )
            keep_results(state, violations)
        return seen[state.label]

    return visit_state


def keep_results(state: PageState, violations: list[dict]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{state.label}.json"
    path.write_text(json.dumps(violations, indent=1, ensure_ascii=False), encoding="utf-8")


def described(state: PageState, violations: list[dict]) -> str:
    """One line per rule and element: page state, rule id, impact, target, what is wrong."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        for node in nodes[:NODES_LISTED]:
            target = " ".join(map(str, node["target"]))
            why = (node.get("any") or node.get("all") or [{}])[0].get("message", "")
            lines.append(
                f"{state.label}: {violation['id']} ({violation['impact']}) at {target}: "
                f"{violation['help']}. {why}"
            )
        if len(nodes) > NODES_LISTED:
            lines.append(f"{state.label}: {violation['id']}: {len(nodes) - NODES_LISTED} more")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("state", states("axe"))
def test_no_page_state_breaks_a_wcag_21_aa_rule(
    visit: Callable[[PageState], Visit], state: PageState
) -> None:
    violations = visit(state).violations
    assert not violations, "axe-core found WCAG 2.1 AA violations:\n" + described(state, violations)


@pytest.mark.browser
@pytest.mark.parametrize("state", states("outline"))
def test_each_page_has_one_h1_first_and_an_outline_that_skips_no_level(
    visit: Callable[[PageState], Visit], state: PageState
) -> None:
    headings = visit(state).headings
    levels = [level for level, _text in headings]
    assert levels[:1] == [1] and levels.count(1) == 1, f"{state.label}: headings {headings}"
    skips = [(a, b) for a, b in itertools.pairwise(headings) if b[0] > a[0] + 1]
    assert not skips, f"{state.label}: a heading skips a level: {skips}"


@pytest.mark.browser
@pytest.mark.parametrize("state", states("heading links"))
def test_no_heading_adds_a_link_to_itself_as_a_tab_stop(
    visit: Callable[[PageState], Visit], state: PageState
) -> None:
    assert visit(state).heading_links == 0


FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")  # "status_rank", "label": a column, not words
COLOUR_CODE = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\(")


@pytest.mark.browser
@pytest.mark.parametrize("state", states("names"))
def test_every_chart_and_map_has_a_name_and_reads_no_field_names(
    visit: Callable[[PageState], Visit], state: PageState
) -> None:
    for graphic in visit(state).graphics:
        name = graphic["name"]
        assert name and name != "Vega visualization", (
            f"{state.label}: a {graphic['kind']} {graphic}"
        )
        if graphic["kind"] == "map":
            assert graphic["role"] in ("figure", "img"), f"{state.label}: {graphic}"
        for spoken in graphic["spoken"]:
            keys = [part.split(":", 1)[0].strip() for part in spoken.split(";") if ":" in part]
            named = [key for key in keys if FIELD_NAME.match(key)]
            assert not named, f"{state.label}: {name[:40]!r} reads out {named}: {spoken!r}"
            assert not COLOUR_CODE.search(spoken), f"{state.label}: {spoken!r}"


@pytest.mark.browser
@pytest.mark.parametrize("state", states("chart text"))
def test_the_words_of_every_chart_read_at_4_5_to_1(
    visit: Callable[[PageState], Visit], state: PageState
) -> None:
    """Titles, axis labels and legends: axe does not measure text drawn in SVG."""
    for graphic in visit(state).graphics:
        for fill in graphic["guideText"]:
            ratio = contrast(fill, theme_background())
            assert ratio >= 4.5, f"{state.label}: {graphic['name'][:40]!r}: {fill} ({ratio:.2f})"


# The keyboard alone

FOCUS_RING = """() => {
  const element = document.activeElement;
  for (let node = element, depth = 0; node && depth < 6; node = node.parentElement, depth++) {
    const style = getComputedStyle(node);
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) {
      return {colour: style.outlineColor, focusVisible: element.matches(':focus-visible')};
    }
  }
  return {colour: null, focusVisible: element.matches(':focus-visible')};
}"""


def tab_to(page: object, control: object, *, presses: int = 15) -> None:
    """Press Tab until `control` (a locator) has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        if control.evaluate("element => element === document.activeElement"):  # type: ignore[attr-defined]
            return
    raise AssertionError(f"{presses} presses of Tab did not reach {control}")


def assert_tab_walks_through(page: object, controls: list[tuple[str, str | re.Pattern]]) -> None:
    """From where focus starts, Tab reaches each control of `controls` (role, name) in
    turn, and each shows a focus ring that stands out from the page by 3:1."""
    main = page.locator("[data-testid='stMain']")  # type: ignore[attr-defined]
    for role, name in controls:
        tab_to(page, main.get_by_role(role, name=name).first)  # type: ignore[arg-type]
        ring = page.evaluate(FOCUS_RING)  # type: ignore[attr-defined]
        assert ring["focusVisible"], f"{name}: the focus is not shown as keyboard focus"
        assert ring["colour"], f"{name}: no ring shows where the focus is"
        assert contrast(css_hex(ring["colour"]), theme_background()) >= 3, (name, ring)


UPDATE_FORM = [
    ("combobox", "Indicator"),
    ("combobox", "Geography"),
    ("textbox", "Period"),
    ("textbox", re.compile(r"^Value")),
    ("combobox", "Disaggregation"),
    ("textbox", "Narrative (optional)"),
    ("textbox", "Evidence link"),
    ("textbox", "Source"),
    ("button", "Save as draft"),
    ("button", "Submit for review"),
]


@pytest.mark.browser
def test_the_update_form_is_usable_from_the_keyboard(
    tab_for: Callable[[str | None], object], server: str
) -> None:
    page = open_state(tab_for, server, WRITE_STATES[0])
    page.locator("[data-testid='stMain'] h1").click()  # type: ignore[attr-defined]
    assert_tab_walks_through(page, UPDATE_FORM)


@pytest.mark.browser
def test_the_presenter_controls_are_usable_from_the_keyboard(
    tab_for: Callable[[str | None], object], server: str
) -> None:
    slide_two = PageState("present-show", f"/present?deck={DECK}&mode=show&slide=2")
    page = open_state(tab_for, server, slide_two)
    page.locator("[data-testid='stMain'] h1").click()  # type: ignore[attr-defined]
    controls = [("button", "Previous slide"), ("button", "Next slide"), ("button", "Pause")]
    assert_tab_walks_through(page, controls)
    page.keyboard.press("Shift+Tab")  # type: ignore[attr-defined]  # back to Next slide
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"slide=3"), timeout=30_000)  # type: ignore[attr-defined]
    wait_until_rendered(page)
    counter = page.locator(".st-key-present__counter").inner_text()  # type: ignore[attr-defined]
    assert counter.strip() == "3 / 3"


@pytest.mark.browser
def test_the_focused_menu_link_is_told_apart_from_the_current_page(
    tab_for: Callable[[str | None], object], server: str
) -> None:
    page = open_state(tab_for, server, EXPLORE_STATES[0])
    sidebar = page.locator("[data-testid='stSidebar']")  # type: ignore[attr-defined]
    current = sidebar.get_by_role("link", name="Overview")
    outline = "element => getComputedStyle(element).outlineStyle"
    assert current.evaluate(outline) == "none"  # the current page alone: its grey highlight
    sidebar.get_by_text("GDC Tracker", exact=True).click()  # start at the top of the menu
    tab_to(page, current)
    ring = page.evaluate(FOCUS_RING)  # type: ignore[attr-defined]
    assert ring["focusVisible"] and ring["colour"], ring
    assert contrast(css_hex(ring["colour"]), SIDEBAR_BACKGROUND) >= 3, ring
