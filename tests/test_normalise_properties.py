"""Properties every normaliser keeps, checked with hypothesis, and the normalize_entity dispatch."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warta.normalise import normalize_entity, parse_date, parse_figure, parse_law, parse_org
from warta.schema import Entity

PARSERS = [
    ("date", lambda s: parse_date(s, date(2021, 3, 23))),
    ("date-no-ref", parse_date),
    ("figure", parse_figure),
    ("law", parse_law),
    ("org", parse_org),
]

# Fragments of real spans, so that generated strings reach deep into each grammar.
_PIECES = [
    "Rp",
    "US$",
    "juta",
    "ribu",
    "miliar",
    "M",
    "T",
    "rb",
    "persen",
    "%",
    "belasan",
    "puluhan",
    "dua",
    "puluh",
    "se",
    "ratus",
    "setengah",
    "lebih",
    "sekitar",
    "hingga",
    "-",
    "x",
    "Maret",
    "Selasa",
    "Minggu",
    "pukul",
    "WIB",
    "lalu",
    "kemarin",
    "pekan",
    "tahun",
    "UU",
    "Nomor",
    "Tahun",
    "Pasal",
    "ayat",
    "(1)",
    "huruf",
    "tentang",
    "Perda",
    "Provinsi",
    "Polres",
    "Pemprov",
    "Kabupaten",
    "DPRD",
    "(",
    ")",
    "/",
    ".",
    ",",
    " ",
    "0",
    "1",
    "23",
    "2021",
    "1.200",
    "4,5",
    "09.00",
    "23/3/2021",
    "perempat",
    "sepertiga",
    "pertiga",
    "triwulan",
    "semester",
    "kuartal",
    "I",
    "IV",
    "-an",
    "1990",
    "'21",
    "-",
]
SPANS = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(_PIECES), max_size=14).map("".join),
    st.lists(st.sampled_from(_PIECES), max_size=14).map(" ".join),
)
EDGE_CASES = ["", " ", "\t\n", "😀", "🇮🇩 Rp 5 juta 😀", "\u00a0", "x" * 5000, "1" * 400, "Rp " + "9" * 50, "(" * 100]


@pytest.mark.parametrize("name,parse", PARSERS)
@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_never_raise(name, parse, text):
    result = parse(text)
    json.dumps(result.to_dict())


@pytest.mark.parametrize("name,parse", PARSERS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=SPANS)
def test_never_raises_and_is_deterministic(name, parse, text):
    first, second = parse(text), parse(text)
    assert first == second
    assert first.to_dict() == second.to_dict()
    json.dumps(first.to_dict())  # plain JSON types only


@settings(max_examples=400, deadline=None)
@given(text=SPANS)
def test_figure_value_is_a_number_or_an_ordered_range(text):
    result = parse_figure(text)
    if not result:
        assert set(result.to_dict()) == {"error"}
        return
    value = result.to_dict()["value"]
    if isinstance(value, dict):
        assert set(value) == {"min", "max"} and value["min"] <= value["max"]
    else:
        assert isinstance(value, (int, float)) and not isinstance(value, bool)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**15))
def test_indonesian_thousands_separators_round_trip(n):
    assert parse_figure(f"{n:,}".replace(",", ".")).to_dict()["value"] == n


@settings(max_examples=200, deadline=None)
@given(d=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_numeric_dates_round_trip(d):
    assert parse_date(f"{d.day}/{d.month}/{d.year}").to_dict() == {"value": d.isoformat(), "granularity": "day"}


DISPATCH = [
    ("DATE", "Selasa (23/3/2021)", {"value": "2021-03-23", "granularity": "day"}),
    ("DATE", "kemarin", {"value": "2021-03-22", "granularity": "day"}),
    (
        "QTY",
        "177 ribu pekerja migran",
        {"value": 177000, "approximate": False, "unit": "pekerja migran", "currency": None, "percent": False},
    ),
    ("LAW", "UU Cipta Kerja", None),  # checked separately: depends on ref
    (
        "ORG",
        "BP2MI",
        {
            "canonical": "Badan Pelindungan Pekerja Migran Indonesia",
            "acronym": "BP2MI",
            "kind": "agency",
            "region": None,
            "parent": "KP2MI",
        },
    ),
]


@pytest.mark.parametrize("label,text,expected", [d for d in DISPATCH if d[2] is not None])
def test_normalize_entity_dispatches_by_label(label, text, expected):
    entity = Entity("T1", label, 0, len(text), text)
    assert normalize_entity(entity, "2021-03-23") == expected
    assert normalize_entity({"label": label, "text": text}, date(2021, 3, 23)) == expected


def test_normalize_entity_passes_ref_to_laws():
    law = Entity("T1", "LAW", 0, 14, "UU Cipta Kerja")
    assert normalize_entity(law, "2021-03-23")["canonical"] == "UU 11/2020"
    assert normalize_entity(law, "2024-03-23")["canonical"] == "UU 6/2023"


@pytest.mark.parametrize(
    "label,text",
    [
        ("PER", "Benny Rhamdani"),
        ("ROLE", "Kepala"),
        ("LOC", "Lampung"),
        ("DATE", "kemarin"),
        ("QTY", "seorang"),
        ("LAW", "Pasal 81"),
    ],
)
def test_normalize_entity_gives_none_for_other_labels_and_failures(label, text):
    assert normalize_entity(Entity("T1", label, 0, len(text), text)) is None
