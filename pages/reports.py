"""Reports: the Council-style progress report (Word, PDF) and decks as PowerPoint."""

from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from gdc_tracker import decks, reports
from gdc_tracker.i18n import _
from gdc_tracker.queries import overview
from gdc_tracker.reports.deck import saved_deck_slides
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import PageContext, page_frame

FORMATS: dict[str, tuple[str, str, Callable[..., bytes]]] = {
    "docx": (
        _("Word"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        reports.report_docx,
    ),
    "pdf": ("PDF", "application/pdf", reports.report_pdf),
    "pptx": (
        _("PowerPoint"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        reports.report_pptx,
    ),
}


def _build(
    ctx: PageContext, make: Callable[..., bytes], objectives: tuple[int, ...], geo_code: str
) -> bytes:
    bar = st.progress(0.0, text=_("Gathering the figures…"))

    def progress(fraction: float, message: str = "") -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message or None)

    data = ctx.read(
        reports.gather_report,
        thresholds=ctx.settings.thresholds,
        objective_numbers=objectives,
        geo_code=geo_code,
        organisation=ctx.settings.organisation_name,
    )
    content = make(data, progress)
    bar.empty()
    return content


def report_section(ctx: PageContext) -> None:
    objectives = ctx.load(overview.objectives)
    labels = {str(r.number): f"{r.number}. {r.short_title}" for r in objectives.itertuples()}
    chosen = filters.multiselect(
        _("Objectives"), list(labels), param="objective", labels=labels, default=tuple(labels)
    )
    regions = ctx.load(overview.geographies).query("kind != 'country'")
    places = dict(zip(regions["code"], regions["name"], strict=True))
    geo_code = filters.select(
        _("Indicator values for"), list(places), param="geo", labels=places, default="WLD"
    )
    if not chosen:
        components.empty_state(_("No objective chosen."), _("Pick at least one objective."))
        return
    stamp = datetime.now(UTC).strftime("%Y%m%d")  # sorts with the other files of its kind
    report_name = _("gdc-progress-report-{date}").format(date=stamp)
    for key, (label, mime, make) in FORMATS.items():
        prepare = _("Prepare the report as {format}").format(format=label)
        if st.button(prepare, key=f"reports__make_{key}"):
            content = _build(ctx, make, tuple(int(n) for n in chosen), geo_code or "WLD")
            st.session_state[f"reports__file_{key}"] = content
        content = st.session_state.get(f"reports__file_{key}")
        if content:
            st.download_button(
                _("Download {format}").format(format=label),
                data=content,
                mime=mime,
                file_name=f"{report_name}.{key}",
                key=f"reports__download_{key}",
                on_click="ignore",
                icon="⬇️",
            )


def deck_section(ctx: PageContext) -> None:
    saved = ctx.read(decks.list_decks)
    if not saved:
        components.empty_state(
            _("No deck has been saved yet."), _("Build one on the Present page.")
        )
        return
    titles = {slug: title for slug, title, _count in saved}
    slug = filters.select(_("Deck"), list(titles), param="deck", labels=titles)
    if st.button(_("Prepare the deck as PowerPoint"), key="reports__deck"):
        bar = st.progress(0.0, text=_("Drawing the slides…"))
        deck, specs = ctx.read(saved_deck_slides, slug, thresholds=ctx.settings.thresholds)
        st.session_state["reports__deck_file"] = (
            slug,
            reports.deck_pptx(
                specs,
                lambda fraction, message="": bar.progress(min(fraction, 1.0), text=message),
                title=deck.title,
                subtitle=ctx.settings.organisation_name,
            ),
        )
        bar.empty()
    kept = st.session_state.get("reports__deck_file")
    if kept and kept[0] == slug:
        st.download_button(
            _("Download the deck"),
            data=kept[1],
            file_name=f"{slug}.pptx",
            mime=FORMATS["pptx"][1],
            key="reports__deck_download",
            on_click="ignore",
            icon="⬇️",
        )


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Reports"), anchor=False)
    components.share_link()
    st.caption(
        _(
            "Council-ready files: numbered paragraphs per GDC objective, tables of "
            "initiatives and indicators, charts, sources and the date of the data. "
            "Demo data is marked as such in every file."
        )
    )
    st.header(_("Progress report"), anchor=False)
    report_section(ctx)
    st.header(_("Presenter decks as PowerPoint"), anchor=False)
    deck_section(ctx)


render()
