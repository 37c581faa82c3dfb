"""Every page of the app, in the sections the sidebar shows.

The app uses Streamlit's folder mode (app.py is the home page, pages/*.py the others):
with a folder named pages/ beside the entry file that is the mode deep links land in
when they are the first request after a start, so the app uses it throughout and draws
its own sectioned, role-aware menu with st.page_link. Each page checks its own access.
"""

from dataclasses import dataclass

from gdc_tracker.models import Role


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the project root, as st.page_link and AppTest want it
    title: str  # the page's heading and browser tab title
    section: str
    icon: str  # emoji, not :material/...: icons, which fetch a font from the internet
    url_path: str  # what the browser shows after the host
    role: Role | None = None  # the role needed to see and open it; None: everyone


PAGES: tuple[PageSpec, ...] = (
    PageSpec("app.py", "Overview", "Explore", "🌐", ""),
    PageSpec("pages/objectives.py", "Objectives", "Explore", "🎯", "objectives"),
    PageSpec("pages/initiatives.py", "Initiatives", "Explore", "🧭", "initiatives"),
    PageSpec(
        "pages/implementation.py", "GDC Implementation Map", "Explore", "🧩", "implementation"
    ),
    PageSpec("pages/indicators.py", "Indicators", "Explore", "📈", "indicators"),
    PageSpec("pages/map.py", "Map", "Explore", "🗺️", "map"),
    PageSpec("pages/regional.py", "Regional initiatives", "Explore", "🌎", "regional"),
    PageSpec("pages/present.py", "Present", "Present", "🎬", "present"),
    PageSpec("pages/changes.py", "What changed", "Present", "🆕", "changes"),
    PageSpec("pages/reports.py", "Reports", "Present", "📄", "reports"),
    PageSpec("pages/update.py", "Update", "Update", "✏️", "update", Role.EDITOR),
    PageSpec("pages/import.py", "Import", "Update", "📥", "import", Role.EDITOR),
    PageSpec("pages/review.py", "Review", "Update", "✅", "review", Role.REVIEWER),
    PageSpec("pages/admin.py", "Admin", "Admin", "🛠️", "admin", Role.ADMIN),
)

SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(page.section for page in PAGES))


def page(path: str) -> PageSpec:
    return next(p for p in PAGES if p.path == path)
