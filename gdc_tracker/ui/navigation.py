"""Every page of the app, in the sections the sidebar shows.

The app uses Streamlit's folder mode (app.py is the home page, pages/*.py the others):
with a folder named pages/ beside the entry file that is the mode deep links land in
when they are the first request after a start, so the app uses it throughout and draws
its own sectioned, role-aware menu with st.page_link. Each page checks its own access.
"""

from dataclasses import dataclass

from gdc_tracker.i18n import N_
from gdc_tracker.models import Role


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the project root, as st.page_link and AppTest want it
    title: str  # the page's heading and browser tab title, in English (marked N_)
    section: str  # in English too: translated where shown
    icon: str  # emoji, not :material/...: icons, which fetch a font from the internet
    url_path: str  # what the browser shows after the host
    role: Role | None = None  # the role needed to see and open it; None: everyone


PAGES: tuple[PageSpec, ...] = (
    PageSpec("app.py", N_("Overview"), N_("Explore"), "🌐", ""),
    PageSpec("pages/objectives.py", N_("Objectives"), N_("Explore"), "🎯", "objectives"),
    PageSpec("pages/initiatives.py", N_("Initiatives"), N_("Explore"), "🧭", "initiatives"),
    PageSpec(
        "pages/implementation.py",
        N_("GDC Implementation Map"),
        N_("Explore"),
        "🧩",
        "implementation",
    ),
    PageSpec("pages/indicators.py", N_("Indicators"), N_("Explore"), "📈", "indicators"),
    PageSpec("pages/map.py", N_("Map"), N_("Explore"), "🗺️", "map"),
    PageSpec("pages/regional.py", N_("Regional initiatives"), N_("Explore"), "🌎", "regional"),
    PageSpec("pages/present.py", N_("Present"), N_("Present"), "🎬", "present"),
    PageSpec("pages/changes.py", N_("What changed"), N_("Present"), "🆕", "changes"),
    PageSpec("pages/reports.py", N_("Reports"), N_("Present"), "📄", "reports"),
    PageSpec("pages/update.py", N_("Update"), N_("Update"), "✏️", "update", Role.EDITOR),
    PageSpec("pages/import.py", N_("Import"), N_("Update"), "📥", "import", Role.EDITOR),
    PageSpec("pages/review.py", N_("Review"), N_("Update"), "✅", "review", Role.REVIEWER),
    PageSpec("pages/admin.py", N_("Admin"), N_("Admin"), "🛠️", "admin", Role.ADMIN),
)

SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(page.section for page in PAGES))


def page(path: str) -> PageSpec:
    return next(p for p in PAGES if p.path == path)
