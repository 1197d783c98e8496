"""parse_law: citation forms, articles, regional instruments, named laws, and the data table."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from warta.normalise import LawCitation, Unresolved, parse_law
from warta.normalise.base import table

# (text, canonical, type, number, year)
CITATIONS = [
    ("Undang-Undang Nomor 18 tahun 2017", "UU 18/2017", "UU", "18", 2017),
    ("Undang-Undang Nomor 18 Tahun 2017", "UU 18/2017", "UU", "18", 2017),
    ("Undang Undang No. 18 Tahun 2017", "UU 18/2017", "UU", "18", 2017),
    ("UU No. 18 Tahun 2017", "UU 18/2017", "UU", "18", 2017),
    ("UU No 18/2017", "UU 18/2017", "UU", "18", 2017),
    ("UU 18/2017", "UU 18/2017", "UU", "18", 2017),
    ("UU Nomor: 18 Tahun 2017", "UU 18/2017", "UU", "18", 2017),
    ("UU RI Nomor 13 Tahun 2003", "UU 13/2003", "UU", "13", 2003),
    ("Undang-Undang Republik Indonesia Nomor 21 Tahun 2007", "UU 21/2007", "UU", "21", 2007),
    ("Peraturan Pemerintah Pengganti Undang-Undang Nomor 2 Tahun 2022", "Perppu 2/2022", "Perppu", "2", 2022),
    ("Perppu Nomor 2 Tahun 2022", "Perppu 2/2022", "Perppu", "2", 2022),
    ("Peraturan Pemerintah Nomor 59 Tahun 2021", "PP 59/2021", "PP", "59", 2021),
    ("PP Nomor 35 Tahun 2021", "PP 35/2021", "PP", "35", 2021),
    ("PP 59/2021", "PP 59/2021", "PP", "59", 2021),
    ("Peraturan Presiden (Perpres) Nomor 90 Tahun 2019", "Perpres 90/2019", "Perpres", "90", 2019),
    ("Perpres No. 90 Tahun 2019", "Perpres 90/2019", "Perpres", "90", 2019),
    ("Keputusan Presiden (Keppres) Nomor 12 Tahun 2020", "Keppres 12/2020", "Keppres", "12", 2020),
    ("Keppres Nomor 31/P Tahun 2019", "Keppres 31/P/2019", "Keppres", "31/P", 2019),
    ("Instruksi Presiden Nomor 1 Tahun 2022", "Inpres 1/2022", "Inpres", "1", 2022),
    ("Inpres No 1 Tahun 2022", "Inpres 1/2022", "Inpres", "1", 2022),
    ("Peraturan Menteri Ketenagakerjaan Nomor 9 Tahun 2019", "Permenaker 9/2019", "Permenaker", "9", 2019),
    ("Permenaker No 9 Tahun 2019", "Permenaker 9/2019", "Permenaker", "9", 2019),
    ("Permenaker Nomor 9/2019", "Permenaker 9/2019", "Permenaker", "9", 2019),
    ("Keputusan Menteri Ketenagakerjaan Nomor 291 Tahun 2018", "Kepmenaker 291/2018", "Kepmenaker", "291", 2018),
    ("Peraturan Menteri Dalam Negeri Nomor 1 Tahun 2020", "Permendagri 1/2020", "Permendagri", "1", 2020),
    ("Permendagri No. 1 Tahun 2020", "Permendagri 1/2020", "Permendagri", "1", 2020),
    ("Peraturan Menteri Kesehatan Nomor 9 Tahun 2020", "Permenkes 9/2020", "Permenkes", "9", 2020),
    ("Peraturan Menteri Keuangan Nomor 199/PMK.010/2019", "PMK 199/PMK.010/2019", "PMK", "199/PMK.010/2019", 2019),
    (
        "Peraturan Menteri Pendidikan, Kebudayaan, Riset, dan Teknologi Nomor 30 Tahun 2021",
        "Permendikbudristek 30/2021",
        "Permendikbudristek",
        "30",
        2021,
    ),
    ("Peraturan Menteri Kebudayaan Nomor 1 Tahun 2025", "Permen Kebudayaan 1/2025", "Permen Kebudayaan", "1", 2025),
    ("Peraturan BP2MI Nomor 9 Tahun 2020", "Peraturan BP2MI 9/2020", "Peraturan BP2MI", "9", 2020),
    (
        "Peraturan Badan Pelindungan Pekerja Migran Indonesia Nomor 9 Tahun 2020",
        "Peraturan BP2MI 9/2020",
        "Peraturan BP2MI",
        "9",
        2020,
    ),
    ("Peraturan Kepala BNP2TKI Nomor 3 Tahun 2013", "Perka BNP2TKI 3/2013", "Perka BNP2TKI", "3", 2013),
    ("Peraturan OJK Nomor 6 Tahun 2022", "POJK 6/2022", "POJK", "6", 2022),
    ("Peraturan Kepolisian Negara Republik Indonesia Nomor 7 Tahun 2022", "Perpol 7/2022", "Perpol", "7", 2022),
    ("Peraturan Mahkamah Agung Nomor 1 Tahun 2020", "Perma 1/2020", "Perma", "1", 2020),
    ("Putusan MK Nomor 90/PUU-XXI/2023", "Putusan MK 90/PUU-XXI/2023", "Putusan MK", "90/PUU-XXI/2023", 2023),
    (
        "Putusan Mahkamah Konstitusi Nomor 12/PUU-XXI/2023",
        "Putusan MK 12/PUU-XXI/2023",
        "Putusan MK",
        "12/PUU-XXI/2023",
        2023,
    ),
    (
        "Surat Edaran Menteri Ketenagakerjaan Nomor M/3/HK.04/III/2020",
        "SE M/3/HK.04/III/2020",
        "SE",
        "M/3/HK.04/III/2020",
        2020,
    ),
]


@pytest.mark.parametrize("text,canonical,type_,number,year", CITATIONS)
def test_citation_forms(text, canonical, type_, number, year):
    law = parse_law(text)
    assert (law.canonical, law.type, law.number, law.year) == (canonical, type_, number, year)
    assert law.article is None


# (text, canonical, article)
ARTICLES = [
    ("Pasal 81 UU Nomor 18 Tahun 2017", "Pasal 81 UU 18/2017", "Pasal 81"),
    ("Pasal 81 UU 18/2017", "Pasal 81 UU 18/2017", "Pasal 81"),
    ("Pasal 81 ayat (1) UU 18/2017", "Pasal 81 ayat (1) UU 18/2017", "Pasal 81 ayat (1)"),
    ("pasal 81 ayat 1 UU 18/2017", "Pasal 81 ayat (1) UU 18/2017", "Pasal 81 ayat (1)"),
    ("Pasal 81 ayat (1) huruf a UU 18/2017", "Pasal 81 ayat (1) huruf a UU 18/2017", "Pasal 81 ayat (1) huruf a"),
    ("Pasal 81 Ayat (1) Huruf a UU 18/2017", "Pasal 81 ayat (1) huruf a UU 18/2017", "Pasal 81 ayat (1) huruf a"),
    (
        "Pasal 5 ayat (2) huruf b angka 3 PP 59/2021",
        "Pasal 5 ayat (2) huruf b angka 3 PP 59/2021",
        "Pasal 5 ayat (2) huruf b angka 3",
    ),
    ("Pasal 2 dan 17 UU TPPO", "Pasal 2 dan Pasal 17 UU 21/2007", "Pasal 2 dan Pasal 17"),
    (
        "Pasal 2 ayat (1) jo Pasal 10 UU 21/2007",
        "Pasal 2 ayat (1) juncto Pasal 10 UU 21/2007",
        "Pasal 2 ayat (1) juncto Pasal 10",
    ),
    ("Pasal 2, Pasal 4 UU 21/2007", "Pasal 2, Pasal 4 UU 21/2007", "Pasal 2, Pasal 4"),
    ("Pasal 27A UU ITE", "Pasal 27A UU 11/2008", "Pasal 27A"),
    ("Pasal 81 dalam UU Nomor 18 Tahun 2017", "Pasal 81 UU 18/2017", "Pasal 81"),
    ("UU Nomor 18 Tahun 2017 Pasal 81", "Pasal 81 UU 18/2017", "Pasal 81"),
    ("Ps. 81 UU 18/2017", "Pasal 81 UU 18/2017", "Pasal 81"),
]


@pytest.mark.parametrize("text,canonical,article", ARTICLES)
def test_articles(text, canonical, article):
    law = parse_law(text)
    assert (law.canonical, law.article) == (canonical, article)


def test_title_is_kept_as_written():
    law = parse_law("Pasal 81 UU Nomor 18 Tahun 2017 tentang Pelindungan Pekerja Migran Indonesia")
    assert law.to_dict() == {
        "canonical": "Pasal 81 UU 18/2017",
        "type": "UU",
        "number": "18",
        "year": 2017,
        "article": "Pasal 81",
        "title": "Pelindungan Pekerja Migran Indonesia",
        "region": None,
        "name": "PPMI",
    }


def test_known_law_fills_title_when_not_written():
    assert parse_law("UU 13/2003").title == "Ketenagakerjaan"
    assert parse_law("Perpres 90/2019").title == "Badan Pelindungan Pekerja Migran Indonesia"


def test_unknown_law_has_no_title():
    assert parse_law("PP Nomor 77 Tahun 2012").title is None


# (text, canonical, type, region)
REGIONAL = [
    ("Peraturan Daerah Provinsi Lampung Nomor 5 Tahun 2020", "Perda Provinsi Lampung 5/2020", "Perda", "Lampung"),
    ("Perda Provinsi Lampung No. 5 Tahun 2020", "Perda Provinsi Lampung 5/2020", "Perda", "Lampung"),
    ("Perda Lampung Nomor 5 Tahun 2020", "Perda Provinsi Lampung 5/2020", "Perda", "Lampung"),
    (
        "Peraturan Daerah (Perda) Provinsi Jawa Timur Nomor 2 Tahun 2021",
        "Perda Provinsi Jawa Timur 2/2021",
        "Perda",
        "Jawa Timur",
    ),
    ("Perda Jatim Nomor 2 Tahun 2021", "Perda Provinsi Jawa Timur 2/2021", "Perda", "Jawa Timur"),
    ("Perda Kota Bandar Lampung No. 3 Tahun 2019", "Perda Kota Bandar Lampung 3/2019", "Perda", "Bandar Lampung"),
    (
        "Perda Kabupaten Lampung Timur Nomor 4 Tahun 2018",
        "Perda Kabupaten Lampung Timur 4/2018",
        "Perda",
        "Lampung Timur",
    ),
    ("Peraturan Gubernur Lampung Nomor 10 Tahun 2021", "Pergub Lampung 10/2021", "Pergub", "Lampung"),
    ("Pergub DKI Nomor 33 Tahun 2020", "Pergub DKI Jakarta 33/2020", "Pergub", "DKI Jakarta"),
    (
        "Peraturan Bupati Lampung Selatan Nomor 7 Tahun 2020",
        "Perbup Lampung Selatan 7/2020",
        "Perbup",
        "Lampung Selatan",
    ),
    (
        "Peraturan Wali Kota Bandar Lampung Nomor 2 Tahun 2020",
        "Perwal Bandar Lampung 2/2020",
        "Perwal",
        "Bandar Lampung",
    ),
    ("Qanun Aceh Nomor 6 Tahun 2014", "Qanun Provinsi Aceh 6/2014", "Qanun", "Aceh"),
]


@pytest.mark.parametrize("text,canonical,type_,region", REGIONAL)
def test_regional_instruments(text, canonical, type_, region):
    law = parse_law(text)
    assert (law.canonical, law.type, law.region) == (canonical, type_, region)


def test_regional_title():
    law = parse_law(
        "Perda Provinsi Lampung Nomor 5 Tahun 2020 tentang Pelindungan Pekerja Migran Indonesia Asal Lampung"
    )
    assert law.title == "Pelindungan Pekerja Migran Indonesia Asal Lampung"


# (text, ref, canonical, name)
NAMED = [
    ("UU PPMI", None, "UU 18/2017", "PPMI"),
    ("UU Pelindungan Pekerja Migran Indonesia", None, "UU 18/2017", "PPMI"),
    ("Undang-Undang tentang Pelindungan Pekerja Migran Indonesia", None, "UU 18/2017", "PPMI"),
    ("UU Cipta Kerja", date(2021, 5, 1), "UU 11/2020", "Cipta Kerja"),
    ("UU Cipta Kerja", "2023-01-15", "UU 11/2020", "Cipta Kerja"),
    ("UU Cipta Kerja", "2024-06-01", "UU 6/2023", "Cipta Kerja"),
    ("UU Cipta Kerja", None, "UU 6/2023", "Cipta Kerja"),
    ("UU Ciptaker", "2021-05-01", "UU 11/2020", "Cipta Kerja"),
    ("UU Cipta Kerja Tahun 2020", None, "UU 11/2020", "Cipta Kerja"),
    ("Perppu Cipta Kerja", None, "Perppu 2/2022", "Cipta Kerja"),
    ("UU ITE", None, "UU 11/2008", "ITE"),
    ("Undang-Undang Informasi dan Transaksi Elektronik", None, "UU 11/2008", "ITE"),
    ("UU TPPO", None, "UU 21/2007", "TPPO"),
    ("UU Ketenagakerjaan", None, "UU 13/2003", "Ketenagakerjaan"),
    ("UU Desa", None, "UU 6/2014", "Desa"),
    ("KUHP", "2021-03-23", "UU 1/1946", "KUHP"),
    ("KUHP", "2026-02-01", "UU 1/2023", "KUHP"),
    ("KUHP baru", "2023-01-05", "UU 1/2023", "KUHP"),
    ("Pasal 362 KUHP", "2021-03-23", "Pasal 362 UU 1/1946", "KUHP"),
    ("KUHAP", None, "UU 8/1981", "KUHAP"),
    ("UU Pemilu", None, "UU 7/2017", "Pemilu"),
    ("UU Pemda", None, "UU 23/2014", "Pemda"),
    ("UU ASN", "2022-01-01", "UU 5/2014", "ASN"),
    ("UU ASN", "2024-01-01", "UU 20/2023", "ASN"),
    ("UU Keimigrasian", None, "UU 6/2011", "Keimigrasian"),
    ("UU Tipikor", None, "UU 31/1999", "Tipikor"),
    ("UU Narkotika", None, "UU 35/2009", "Narkotika"),
    ("UU Perlindungan Anak", None, "UU 23/2002", "Perlindungan Anak"),
    ("UU PDP", None, "UU 27/2022", "PDP"),
    ("UU TPKS", None, "UU 12/2022", "TPKS"),
    ("UU Kesehatan", "2024-01-01", "UU 17/2023", "Kesehatan"),
    ("UU Kesehatan", "2020-01-01", "UU 36/2009", "Kesehatan"),
    ("UU Sisdiknas", None, "UU 20/2003", "Sisdiknas"),
    ("UU Penanggulangan Bencana", None, "UU 24/2007", "Penanggulangan Bencana"),
    ("UU Minerba", None, "UU 4/2009", "Minerba"),
    ("UU Pers", None, "UU 40/1999", "Pers"),
    ("UU KIP", None, "UU 14/2008", "KIP"),
    ("UU IKN", None, "UU 3/2022", "IKN"),
    ("UU HPP", None, "UU 7/2021", "HPP"),
    ("UU Pilkada", None, "UU 10/2016", "Pilkada"),
    ("UU Pelayaran", None, "UU 17/2008", "Pelayaran"),
    ("UU Perkawinan", None, "UU 1/1974", "Perkawinan"),
    ("UU Penyiaran", None, "UU 32/2002", "Penyiaran"),
    ("UU APBN 2024", None, "UU 19/2023", "APBN 2024"),
    ("UU APBN Tahun Anggaran 2023", None, "UU 28/2022", "APBN 2023"),
    ("UU TPPU", None, "UU 8/2010", "TPPU"),
]


@pytest.mark.parametrize("text,ref,canonical,name", NAMED)
def test_named_laws(text, ref, canonical, name):
    law = parse_law(text, ref)
    assert (law.canonical, law.name) == (canonical, name)


UNRESOLVED = [
    ("UU", "no number and no known name"),
    ("Perpres", "no number and no known name"),
    ("UU Antah Berantah", "no number and no known name"),
    ("Pasal 81", "no legal instrument"),
    ("undang-undang tersebut", "no number and no known name"),
    ("peraturan perundang-undangan", "no number and no known name"),
    ("APBD", "no legal instrument"),
    ("", "empty"),
]


@pytest.mark.parametrize("text,reason", UNRESOLVED)
def test_unresolved(text, reason):
    result = parse_law(text)
    assert isinstance(result, Unresolved) and not result
    assert reason in result.reason


def test_result_type():
    assert parse_law("Perpres 90/2019") == LawCitation(
        "Perpres 90/2019", "Perpres", "90", 2019, None, "Badan Pelindungan Pekerja Migran Indonesia", None, "BP2MI"
    )


def test_laws_table_is_complete_and_consistent():
    rows = table("laws.tsv")
    assert len(rows) >= 40
    types = {row["type"] for row in table("law_types.tsv")}
    ids = set()
    for row in rows:
        assert row["type"] in types, row
        assert row["number"].isdigit() and 1800 <= int(row["year"]) <= 2100, row
        ids.add((row["type"], row["number"], row["year"]))
    assert len(ids) == len(rows), "duplicate instrument rows"


def test_shared_names_have_disjoint_validity():
    by_name: dict[tuple[str, str], list[dict]] = {}
    for row in table("laws.tsv"):
        for name in row["names"].split("|"):
            if name:
                by_name.setdefault((row["type"], name.lower()), []).append(row)
    for (type_, name), rows in by_name.items():
        if len(rows) == 1:
            continue
        spans = sorted((r["valid_from"] or "0000", r["valid_until"] or "9999") for r in rows)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start, f"{type_} {name}: overlapping validity"
