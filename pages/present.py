"""Present: build decks of views and show them full screen, live, in meetings."""

import streamlit as st

from gdc_tracker import decks
from gdc_tracker.auth import Role, has_role
from gdc_tracker.errors import NotFound
from gdc_tracker.i18n import _, ngettext
from gdc_tracker.ui import components, language, presenter
from gdc_tracker.ui.frame import PageContext, page_frame


def deck_list(ctx: PageContext) -> None:
    saved = ctx.read(decks.list_decks)
    if not saved:
        components.empty_state(
            _("No deck has been saved yet."),
            _("Editors build one below: pick views, order them, save."),
        )
        return
    for slug, title, count in saved:
        row = st.columns([5, 1, 1], vertical_alignment="center")
        row[0].markdown(
            ngettext("**{title}** · {count} slide", "**{title}** · {count} slides", count).format(
                title=components.plain(title), count=count
            )
        )
        row[1].page_link(
            "pages/present.py",
            label=_("Present"),
            icon="▶️",
            query_params=language.link_query({"deck": slug, "mode": "show", "slide": "1"}),
        )
        if has_role(ctx.identity, Role.EDITOR):
            row[2].page_link(
                "pages/present.py",
                label=_("Edit"),
                icon="✏️",
                query_params=language.link_query({"deck": slug}),
            )


def render() -> None:
    ctx = page_frame(__file__)
    slug = st.query_params.get("deck")
    if slug and st.query_params.get("mode") == "show":
        try:
            deck = ctx.read(decks.load_deck, slug)
        except NotFound:
            st.title(_("Present"), anchor=False)
            st.error(_("No deck is saved under this link."), icon="⚠️")
            return
        presenter.present(ctx, deck)
        return
    st.title(_("Present"), anchor=False)
    st.caption(
        _(
            "A deck is an ordered set of views. Present it full screen: arrows or a "
            "clicker move between slides, figures refresh by themselves when the data "
            "changes, and each slide carries its source, its date and a QR code to the "
            "live view."
        )
    )
    deck_list(ctx)
    if has_role(ctx.identity, Role.EDITOR):
        st.header(_("Build a deck") if not slug else _("Edit deck"), anchor=False)
        presenter.builder(ctx, slug)
    else:
        st.caption(_("Sign in as an editor to build decks."))


render()
