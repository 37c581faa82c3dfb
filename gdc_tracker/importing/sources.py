"""The published dataset a file's values come from."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

import pandas as pd

from gdc_tracker import sdmx
from gdc_tracker.i18n import _
from gdc_tracker.importing.headers import _header_key, header_period
from gdc_tracker.importing.limits import _MAX_SOURCE, MappingError
from gdc_tracker.importing.mapping import file_indicators

NOT_STATED = "source not stated"  # the free-text source of a value whose source is unknown


@dataclass(frozen=True)
class SourceInfo:
    """The published dataset a file's values come from (models.DataSource, found or
    created by `key` when the import writes). An empty key: the source is not known, and
    the values keep no data source (never a made-up one)."""

    key: str
    organisation: str = ""
    dataset: str = ""
    release: str | None = None
    url: str | None = None
    licence: str | None = None
    accessed: date | None = None
    note: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.key.strip())

    def citation(self) -> str:
        """The free-text source of rows without one: organisation, dataset, release."""
        if not self.known:
            return NOT_STATED
        if self.release:
            text = _("{organisation}, {dataset}, release {release}").format(
                organisation=self.organisation, dataset=self.dataset, release=self.release
            )
        else:
            text = _("{organisation}, {dataset}").format(
                organisation=self.organisation, dataset=self.dataset
            )
        return text[:_MAX_SOURCE]

    def check(self) -> None:
        """Raise MappingError naming each field that the store cannot keep."""
        if not self.known:
            return
        problems = []
        limits = {"key": 120, "organisation": 200, "dataset": 300, "release": 120}
        limits |= {"url": 500, "licence": 120}
        for name, limit in limits.items():
            text = getattr(self, name) or ""
            if len(text) > limit:
                problems.append(
                    _("the source's {field} is longer than {limit:,} characters").format(
                        field=name, limit=limit
                    )
                )
        for name in ("organisation", "dataset"):
            if not getattr(self, name).strip():
                problems.append(_("give the source's {field}").format(field=name))
        if self.url:
            parsed = urlparse(self.url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                problems.append(_("the source's url must be a full web address (https://...)"))
        if problems:
            text = "; ".join(problems)
            raise MappingError(text[0].upper() + text[1:] + ".")


UNKNOWN_SOURCE = SourceInfo(key="")


def source_of(
    organisation: str,
    dataset: str,
    *,
    key: str = "",
    release: str | None = None,
    url: str | None = None,
    licence: str | None = None,
    accessed: date | None = None,
    note: str | None = None,
) -> SourceInfo:
    """A SourceInfo from what a person typed; the key defaults to a slug of the others."""
    stated = (organisation.strip(), dataset.strip())
    if not any(stated) and not key.strip():
        return UNKNOWN_SOURCE
    key = key.strip() or sdmx.slug(" ".join([*stated, release or ""]))
    return SourceInfo(
        key=key,
        organisation=stated[0],
        dataset=stated[1],
        release=(release or "").strip() or None,
        url=(url or "").strip() or None,
        licence=(licence or "").strip() or None,
        accessed=accessed,
        note=note,
    )


_WDI_HEADERS = ("country name", "country code", "indicator name", "indicator code")


def propose_source(frame: pd.DataFrame, today: date) -> SourceInfo:
    """What a file says about where it comes from: an SDMX-CSV export names its database
    and distributor; a World Bank WDI download is recognised by its four columns and year
    columns (CC BY 4.0, the World Bank's licence for WDI). Otherwise UNKNOWN_SOURCE."""
    found = sdmx.proposed_source(frame, today)
    if found is not None:
        return SourceInfo(**vars(found), accessed=today)
    keys = [_header_key(str(c)) for c in frame.columns if header_period(c) is None]
    if sorted(keys) != sorted(_WDI_HEADERS):
        return UNKNOWN_SOURCE
    code_column = next(c for c in frame.columns if _header_key(str(c)) == "indicator code")
    name_column = next(c for c in frame.columns if _header_key(str(c)) == "indicator name")
    codes = list(file_indicators(frame, str(code_column)))
    names = list(file_indicators(frame, str(name_column)))
    if len(codes) != 1:
        return UNKNOWN_SOURCE
    [code] = codes
    release = today.isoformat()
    # Stored as the dataset's own name and note, in English whatever the importer's language.
    dataset = "World Development Indicators: {code} {name}".format(
        code=code, name=names[0] if len(names) == 1 else ""
    )
    return SourceInfo(
        key=sdmx.slug(f"wdi {code} {release}"),
        organisation="World Bank",
        dataset=dataset.strip()[:300],
        release=release,
        url=f"https://data.worldbank.org/indicator/{code}",
        licence="CC BY 4.0",
        accessed=today,
        note=f"World Bank WDI bulk download; the file states no release: accessed {release}.",
    )
