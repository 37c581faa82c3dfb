"""The header words the importer recognises, in ITU's six languages."""

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

import pandas as pd

from gdc_tracker.importing.limits import NULL_MARKERS, _cell_text
from gdc_tracker.periods import Period, PeriodError, parse_period

_YEAR_HEADER = re.compile(r"^(?:YR)?(\d{4})(?:\.0)?(?:\s*\[YR\d{4}\])?$", re.IGNORECASE)
_PERIOD_HEADER = re.compile(r"^\d{4}-?(Q[1-4]|\d{2})$", re.IGNORECASE)


def header_period(name: object) -> Period | None:
    """The period a wide-layout header names: "2020", "2020.0", "2020 [YR2020]", "2024-Q3"."""
    text = str(name).strip()
    try:
        if match := _YEAR_HEADER.match(text):
            period = parse_period(match.group(1))
            return period if 1900 <= period.year <= 2100 else None
        if _PERIOD_HEADER.match(text):
            return parse_period(text)
    except PeriodError:
        return None
    return None


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name).lower()).strip()


_CODE_HEADERS = (
    "country code",
    "countryiso3code",
    "iso3",
    "iso3 code",
    "iso 3",
    "iso alpha 3",
    "iso alpha3",
    "alpha 3",
    "alpha3",
    "country iso3",
    "iso code",
    "iso",
    "code",
    "geo code",
    "geo",
    "geography code",
    "economy code",
    "ref area",
    "area code",
    "country id",
    "region code",
)
_NAME_HEADERS = (
    "country",
    "country name",
    "entity",
    "economy",
    "geography",
    "country or area",
    "country territory",
    "area",
    "location",
    "name",
    "economy name",
    "ref area name",
    "region",
)
_PERIOD_HEADERS = ("year", "period", "time", "time period", "reporting period", "date", "yr")
_VALUE_HEADERS = ("value", "obs value", "observation value", "observation", "data value", "val")
_INDICATOR_HEADERS = (
    "indicator code",
    "indicator",
    "indicator id",
    "indicator name",
    "series code",
    "series",
    "series name",
)
_DISAGGREGATION_HEADERS = ("disaggregation", "breakdown", "dimension")
_SOURCE_HEADERS = ("source", "data source", "source name")
_EVIDENCE_HEADERS = ("evidence url", "evidence", "evidence link", "url", "link")
_NARRATIVE_HEADERS = ("narrative", "note", "notes", "comment", "comments", "remarks")


# The headers above in French, Spanish, Arabic, Chinese (simplified, then traditional)
# and Russian, by the English header they stand beside: each is tried right after its
# English word, so the order of preference stays the English one ("País" before
# "Región"). Written out as people head their tables (no library holds this); matched
# without case or accents, so "Año" and "ANO" are one header.
HEADER_TRANSLATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # Country codes
    "country code": {
        "fr": ("code pays", "code du pays"),
        "es": ("código de país", "código del país"),
        "ar": ("رمز البلد", "رمز الدولة"),
        "zh": ("国家代码", "國家代碼"),
        "ru": ("код страны",),
    },
    "iso code": {
        "fr": ("code ISO",),
        "es": ("código ISO",),
        "ar": ("رمز ISO",),
        "zh": ("ISO代码", "ISO 代码", "ISO代碼"),
        "ru": ("код ISO",),
    },
    "code": {
        "es": ("código",),
        "ar": ("الرمز", "رمز"),
        "zh": ("代码", "代碼"),
        "ru": ("код",),
    },
    # Country names
    "country": {
        "fr": ("pays",),
        "es": ("país",),
        "ar": ("البلد", "الدولة", "بلد", "دولة"),
        "zh": ("国家", "國家"),
        "ru": ("страна",),
    },
    "country name": {
        "fr": ("nom du pays", "nom de pays"),
        "es": ("nombre del país", "nombre de país"),
        "ar": ("اسم البلد", "اسم الدولة"),
        "zh": ("国家名称", "國家名稱"),
        "ru": ("название страны", "наименование страны"),
    },
    "economy": {
        "fr": ("économie",),
        "es": ("economía",),
        "ar": ("الاقتصاد",),
        "zh": ("经济体", "經濟體"),
        "ru": ("экономика",),
    },
    "geography": {
        "fr": ("géographie", "zone géographique"),
        "es": ("geografía", "zona geográfica"),
        "ar": ("المنطقة الجغرافية",),
        "zh": ("地理区域", "地理區域"),
        "ru": ("география",),
    },
    "country or area": {
        "fr": ("pays ou zone", "pays ou région"),
        "es": ("país o área", "país o zona"),
        "ar": ("البلد أو المنطقة",),
        "zh": ("国家或地区", "国家/地区", "國家或地區", "國家/地區"),
        "ru": ("страна или территория", "страна или район"),
    },
    "country territory": {
        "fr": ("pays ou territoire", "pays/territoire"),
        "es": ("país o territorio", "país/territorio"),
        "ar": ("البلد أو الإقليم",),
        "ru": ("страна/территория",),
    },
    "area": {
        "fr": ("zone",),
        "es": ("zona",),
        "ar": ("المنطقة",),
        "zh": ("地区", "地區"),
        "ru": ("территория",),
    },
    "location": {
        "fr": ("lieu", "localisation"),
        "es": ("ubicación", "lugar"),
        "ar": ("الموقع",),
        "zh": ("地点", "地點"),
        "ru": ("местоположение",),
    },
    "name": {
        "fr": ("nom",),
        "ar": ("الاسم",),
        "zh": ("名称", "名稱"),
        "ru": ("название", "наименование"),
    },
    "region": {
        "ar": ("الإقليم",),
        "zh": ("区域", "區域"),
        "ru": ("регион",),
    },
    # Periods
    "year": {
        "fr": ("année",),
        "es": ("año",),
        "ar": ("السنة", "العام", "سنة", "عام"),
        "zh": ("年份", "年度", "年"),
        "ru": ("год",),
    },
    "period": {
        "fr": ("période",),
        "es": ("período", "periodo"),
        "ar": ("الفترة",),
        "zh": ("时期", "期间", "時期", "期間"),
        "ru": ("период",),
    },
    "time": {
        "zh": ("时间", "時間"),
        "ru": ("время",),
    },
    "reporting period": {
        "fr": ("période de référence",),
        "es": ("período de referencia", "periodo de referencia"),
        "ar": ("الفترة المرجعية",),
        "zh": ("报告期", "報告期"),
        "ru": ("отчётный период",),
    },
    "date": {
        "es": ("fecha",),
        "ar": ("التاريخ",),
        "zh": ("日期",),
        "ru": ("дата",),
    },
    # Values
    "value": {
        "fr": ("valeur",),
        "es": ("valor",),
        "ar": ("القيمة", "قيمة"),
        "zh": ("数值", "數值", "值"),
        "ru": ("значение",),
    },
    "observation value": {
        "fr": ("valeur observée", "valeur de l'observation"),
        "es": ("valor observado", "valor de la observación"),
        "ar": ("القيمة المرصودة",),
        "zh": ("观测值", "觀測值"),
        "ru": ("наблюдаемое значение",),
    },
    # Indicators
    "indicator code": {
        "fr": ("code de l'indicateur", "code indicateur"),
        "es": ("código del indicador", "código de indicador"),
        "ar": ("رمز المؤشر",),
        "zh": ("指标代码", "指標代碼"),
        "ru": ("код показателя", "код индикатора"),
    },
    "indicator": {
        "fr": ("indicateur",),
        "es": ("indicador",),
        "ar": ("المؤشر", "مؤشر"),
        "zh": ("指标", "指標"),
        "ru": ("показатель", "индикатор"),
    },
    "indicator name": {
        "fr": ("nom de l'indicateur",),
        "es": ("nombre del indicador",),
        "ar": ("اسم المؤشر",),
        "zh": ("指标名称", "指標名稱"),
        "ru": ("название показателя", "наименование показателя"),
    },
    "series code": {
        "fr": ("code de la série",),
        "es": ("código de la serie",),
        "ar": ("رمز السلسلة",),
        "zh": ("系列代码", "系列代碼"),
        "ru": ("код ряда",),
    },
    "series": {
        "fr": ("série",),
        "es": ("serie",),
        "ar": ("السلسلة",),
        "zh": ("系列",),
        "ru": ("ряд данных",),
    },
    # Breakdowns
    "disaggregation": {
        "fr": ("ventilation", "désagrégation"),
        "es": ("desagregación",),
        "ar": ("التصنيف", "التفصيل"),
        "zh": ("分类", "分類", "细分", "細分"),
        "ru": ("дезагрегация", "разбивка"),
    },
    "breakdown": {
        "fr": ("répartition",),
        "es": ("desglose",),
    },
    "dimension": {
        "es": ("dimensión",),
        "ar": ("البعد",),
        "zh": ("维度", "維度"),
        "ru": ("измерение",),
    },
    # Sources
    "source": {
        "es": ("fuente",),
        "ar": ("المصدر", "مصدر"),
        "zh": ("来源", "來源"),
        "ru": ("источник",),
    },
    "data source": {
        "fr": ("source des données", "source de données"),
        "es": ("fuente de datos", "fuente de los datos"),
        "ar": ("مصدر البيانات",),
        "zh": ("数据来源", "資料來源"),
        "ru": ("источник данных",),
    },
    # Evidence links
    "evidence": {
        "fr": ("justificatif", "preuve"),
        "es": ("evidencia", "prueba"),
        "ar": ("الدليل",),
        "zh": ("证据", "證據"),
        "ru": ("подтверждение",),
    },
    "url": {
        "fr": ("adresse web",),
        "es": ("dirección web",),
        "zh": ("网址", "網址"),
        "ru": ("веб-адрес",),
    },
    "link": {
        "fr": ("lien",),
        "es": ("enlace", "vínculo"),
        "ar": ("الرابط", "رابط"),
        "zh": ("链接", "連結"),
        "ru": ("ссылка",),
    },
    # Notes
    "note": {
        "es": ("nota",),
        "ar": ("ملاحظة",),
        "zh": ("备注", "備註", "注释", "註釋"),
        "ru": ("примечание",),
    },
    "notes": {
        "es": ("notas",),
        "ar": ("ملاحظات", "الملاحظات"),
        "zh": ("说明", "說明"),
        "ru": ("примечания",),
    },
    "comment": {
        "fr": ("commentaire",),
        "es": ("comentario",),
        "ar": ("تعليق",),
        "zh": ("评论", "評論"),
        "ru": ("комментарий",),
    },
    "comments": {
        "fr": ("commentaires",),
        "es": ("comentarios",),
        "ar": ("تعليقات",),
        "ru": ("комментарии",),
    },
    "remarks": {
        "fr": ("remarque", "remarques"),
        "es": ("observaciones",),
        "ru": ("замечания",),
    },
}


def _header_words(name: str) -> str:
    """A header reduced for matching, in any script: no case, accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", " ", bare.lower()).strip()


@lru_cache(maxsize=32)
def _synonyms(english: tuple[str, ...]) -> tuple[str, ...]:
    """The English headers with their translations, each right after its English word."""
    found: list[str] = []
    for word in english:
        words = [word, *(w for ws in HEADER_TRANSLATIONS.get(word, {}).values() for w in ws)]
        found += [key for key in map(_header_words, words) if key not in found]
    return tuple(found)


def _pick(available: list[str], synonyms: Sequence[str]) -> str | None:
    keys = {_header_words(name): name for name in reversed(available)}
    for synonym in _synonyms(tuple(synonyms)):
        if synonym in keys:
            return keys[synonym]
    return None


def _sample(frame: pd.DataFrame, column: str, size: int = 200) -> list[str]:
    texts = (_cell_text(v).strip() for v in frame[column].head(size * 2).tolist())
    return [text for text in texts if text][:size]


def _mostly(values: list[str], test: Callable[[str], bool], share: float) -> bool:
    return bool(values) and sum(1 for v in values if test(v)) >= share * len(values)


def _is_number(text: str) -> bool:
    if text.lower() in NULL_MARKERS:
        return True
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
