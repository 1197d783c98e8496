"""parse_date: absolute, partial, relative, ranges, clock times, failures, dateparser fallback.

REF is Tuesday 23 March 2021, so weekday arithmetic can be checked by hand:
Mon 22, Tue 23, Wed 24 ... Sun 28; the week before runs Mon 15 - Sun 21.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import pytest

from warta.normalise import DateRange, DateValue, Unresolved, parse_date

REF = date(2021, 3, 23)

ABSOLUTE = [
    ("Selasa (23/3/2021)", REF, "2021-03-23", "day"),
    ("Selasa (23/3/2021)", None, "2021-03-23", "day"),
    ("Senin, 22 Maret 2021", None, "2021-03-22", "day"),
    ("Kamis, 18 Maret 2021", None, "2021-03-18", "day"),
    ("Jumat (19/3/2021)", None, "2021-03-19", "day"),
    ("Minggu (21/3/2021)", None, "2021-03-21", "day"),
    ("Ahad (21/3/2021)", None, "2021-03-21", "day"),
    ("Rabu (24/3)", REF, "2021-03-24", "day"),
    ("Jum'at (19/3)", REF, "2021-03-19", "day"),
    ("(23/3/2021)", None, "2021-03-23", "day"),
    ("23/3", REF, "2021-03-23", "day"),
    ("23/3/21", None, "2021-03-23", "day"),
    ("23/03/2021", None, "2021-03-23", "day"),
    ("23-3-2021", None, "2021-03-23", "day"),
    ("23.3.2021", None, "2021-03-23", "day"),
    ("2021-03-23", None, "2021-03-23", "day"),
    ("5/1/98", None, "1998-01-05", "day"),
    ("23 Maret 2021", None, "2021-03-23", "day"),
    ("23 Mar 2021", None, "2021-03-23", "day"),
    ("23 maret 2021", None, "2021-03-23", "day"),
    ("23 MARET 2021", None, "2021-03-23", "day"),
    ("17 Agustus 1945", None, "1945-08-17", "day"),
    ("1 Januari 2024", None, "2024-01-01", "day"),
    ("29 Februari 2024", None, "2024-02-29", "day"),
    ("10 Nopember 2020", None, "2020-11-10", "day"),
    ("5 Pebruari 2019", None, "2019-02-05", "day"),
    ("23 Agt 2021", None, "2021-08-23", "day"),
    ("23 Sept 2021", None, "2021-09-23", "day"),
    ("31 Desember 2020", None, "2020-12-31", "day"),
    ("tanggal 23 Maret 2021", None, "2021-03-23", "day"),
    ("pada 23 Maret 2021", None, "2021-03-23", "day"),
    ("23 Maret 2021 lalu", None, "2021-03-23", "day"),
    ("Senin (22/3/2021) lalu", None, "2021-03-22", "day"),
    ("23 Maret", REF, "2021-03-23", "day"),
    ("25 Desember", REF, "2021-12-25", "day"),
    ("Maret 2021", None, "2021-03", "month"),
    ("bulan Maret 2021", None, "2021-03", "month"),
    ("3/2021", None, "2021-03", "month"),
    ("2021-03", None, "2021-03", "month"),
    ("Desember", REF, "2021-12", "month"),
    ("awal Maret 2021", None, "2021-03", "month"),
    ("tahun 2021", None, "2021", "year"),
    ("2021", None, "2021", "year"),
    ("TA 2022", None, "2022", "year"),
    ("tahun anggaran 2022", None, "2022", "year"),
    ("sejak 2019", None, "2019", "year"),
    ("akhir 2020", None, "2020", "year"),
    ("pertengahan 2020", None, "2020", "year"),
]


@pytest.mark.parametrize("text,ref,value,granularity", ABSOLUTE)
def test_absolute_and_partial(text, ref, value, granularity):
    assert parse_date(text, ref).to_dict() == {"value": value, "granularity": granularity}


RELATIVE = [
    ("kemarin", "2021-03-22", "day"),
    ("Kemarin", "2021-03-22", "day"),
    ("hari ini", "2021-03-23", "day"),
    ("besok", "2021-03-24", "day"),
    ("esok", "2021-03-24", "day"),
    ("lusa", "2021-03-25", "day"),
    ("kemarin lusa", "2021-03-21", "day"),
    ("tadi pagi", "2021-03-23", "day"),
    ("tadi malam", "2021-03-22", "day"),
    ("kemarin malam", "2021-03-22", "day"),
    ("Selasa malam", "2021-03-23", "day"),
    ("Rabu pagi", "2021-03-17", "day"),
    ("Senin", "2021-03-22", "day"),
    ("Selasa", "2021-03-23", "day"),
    ("Rabu", "2021-03-17", "day"),
    ("Sabtu", "2021-03-20", "day"),
    ("Minggu", "2021-03-21", "day"),
    ("hari Jumat", "2021-03-19", "day"),
    ("Senin lalu", "2021-03-22", "day"),
    ("Selasa lalu", "2021-03-16", "day"),
    ("Jumat lalu", "2021-03-19", "day"),
    ("Minggu lalu", "2021-03-21", "day"),
    ("Kamis depan", "2021-03-25", "day"),
    ("Selasa depan", "2021-03-30", "day"),
    ("Jumat ini", "2021-03-26", "day"),
    ("Rabu pekan depan", "2021-03-31", "day"),
    ("Senin pekan lalu", "2021-03-15", "day"),
    ("dua hari lalu", "2021-03-21", "day"),
    ("3 hari yang lalu", "2021-03-20", "day"),
    ("dua hari mendatang", "2021-03-25", "day"),
    ("sepekan lalu", "2021-03-16", "day"),
    ("dua pekan lalu", "2021-03-09", "day"),
    ("5 Juni lalu", "2020-06-05", "day"),
    ("5 Maret lalu", "2021-03-05", "day"),
    ("23 Maret tahun lalu", "2020-03-23", "day"),
    ("bulan lalu", "2021-02", "month"),
    ("bulan ini", "2021-03", "month"),
    ("bulan depan", "2021-04", "month"),
    ("awal bulan depan", "2021-04", "month"),
    ("Juni lalu", "2020-06", "month"),
    ("Februari lalu", "2021-02", "month"),
    ("Maret lalu", "2020-03", "month"),
    ("Juni mendatang", "2021-06", "month"),
    ("Januari mendatang", "2022-01", "month"),
    ("Maret tahun depan", "2022-03", "month"),
    ("tiga bulan lalu", "2020-12", "month"),
    ("tahun lalu", "2020", "year"),
    ("tahun ini", "2021", "year"),
    ("tahun depan", "2022", "year"),
    ("awal tahun ini", "2021", "year"),
    ("akhir tahun lalu", "2020", "year"),
    ("dua tahun lalu", "2019", "year"),
    ("sepuluh tahun lalu", "2011", "year"),
]


@pytest.mark.parametrize("text,value,granularity", RELATIVE)
def test_relative_to_publication_date(text, value, granularity):
    assert parse_date(text, REF).to_dict() == {"value": value, "granularity": granularity}


WEEKS = [
    ("pekan lalu", "2021-03-15", "2021-03-21"),
    ("minggu lalu", "2021-03-15", "2021-03-21"),
    ("pekan ini", "2021-03-22", "2021-03-28"),
    ("pekan depan", "2021-03-29", "2021-04-04"),
    ("akhir pekan lalu", "2021-03-20", "2021-03-21"),
    ("akhir pekan ini", "2021-03-27", "2021-03-28"),
]


@pytest.mark.parametrize("text,start,end", WEEKS)
def test_weeks_are_calendar_week_ranges(text, start, end):
    assert parse_date(text, REF).to_dict() == {"value": {"start": start, "end": end}, "granularity": "range"}


RANGES = [
    ("1 Januari-5 Maret 2024", "2024-01-01", "2024-03-05"),
    ("1-5 Maret 2024", "2024-03-01", "2024-03-05"),
    ("1 hingga 5 Maret 2024", "2024-03-01", "2024-03-05"),
    ("1 sampai 5 Maret 2024", "2024-03-01", "2024-03-05"),
    ("1 s.d. 5 Maret 2024", "2024-03-01", "2024-03-05"),
    ("1 s/d 5 Maret 2024", "2024-03-01", "2024-03-05"),
    ("1 – 5 Maret 2024", "2024-03-01", "2024-03-05"),
    ("22 dan 23 Maret 2021", "2021-03-22", "2021-03-23"),
    ("22-23/3/2021", "2021-03-22", "2021-03-23"),
    ("Senin-Rabu (22-24/3/2021)", "2021-03-22", "2021-03-24"),
    ("Januari-Maret 2024", "2024-01", "2024-03"),
    ("Januari hingga Maret 2024", "2024-01", "2024-03"),
    ("Desember-Februari 2024", "2023-12", "2024-02"),
    ("28 Desember-3 Januari 2024", "2023-12-28", "2024-01-03"),
    ("1 Desember 2023-5 Januari 2024", "2023-12-01", "2024-01-05"),
    ("2020-2024", "2020", "2024"),
    ("tahun 2020 hingga 2024", "2020", "2024"),
    ("triwulan I 2021", "2021-01", "2021-03"),
    ("Kuartal III 2023", "2023-07", "2023-09"),
    ("semester pertama 2022", "2022-01", "2022-06"),
    ("semester II, 2022", "2022-07", "2022-12"),
    ("caturwulan ketiga 2020", "2020-09", "2020-12"),
    ("akhir triwulan II 2024", "2024-04", "2024-06"),
    ("triwulan I 2021 hingga triwulan II 2021", "2021-01", "2021-06"),
    ("triwulan I-2021", "2021-01", "2021-03"),  # as the statistics bureau writes it
    ("semester II/2020", "2020-07", "2020-12"),
    ("1990-an", "1990", "1999"),
    ("tahun 1800-an", "1800", "1899"),  # a round hundred is a century
    ("tahun 2000-an", "2000", "2009"),
]


@pytest.mark.parametrize("text,start,end", RANGES)
def test_ranges_keep_both_ends(text, start, end):
    assert parse_date(text).to_dict() == {"value": {"start": start, "end": end}, "granularity": "range"}


TIMES = [
    ("pukul 09.00 WITA", REF, "2021-03-23T09:00:00+08:00"),
    ("pukul 09.00 WIB", REF, "2021-03-23T09:00:00+07:00"),
    ("pukul 10.00 WIT", REF, "2021-03-23T10:00:00+09:00"),
    ("pukul 9.30 WIB", REF, "2021-03-23T09:30:00+07:00"),
    ("pukul 14:30 WIB", REF, "2021-03-23T14:30:00+07:00"),
    ("jam 08.00 WIB", REF, "2021-03-23T08:00:00+07:00"),
    ("09.00 WIB", REF, "2021-03-23T09:00:00+07:00"),
    ("pukul 09.00 WIB-selesai", REF, "2021-03-23T09:00:00+07:00"),
    ("pukul 09.00 waktu setempat", REF, "2021-03-23T09:00:00"),
    ("pukul 7 malam", REF, "2021-03-23T19:00:00"),
    ("pukul 3 sore", REF, "2021-03-23T15:00:00"),
    ("pukul 24.00 WIB", REF, "2021-03-24T00:00:00+07:00"),
    ("Selasa (23/3/2021) pukul 10.00 WIB", None, "2021-03-23T10:00:00+07:00"),
    ("Rabu (24/3/2021) malam pukul 20.00 WIB", None, "2021-03-24T20:00:00+07:00"),
    ("Kamis (25/3/2021) sekitar pukul 14.00 WIB", None, "2021-03-25T14:00:00+07:00"),
    ("23 Maret 2021 pukul 10.00 WIB", None, "2021-03-23T10:00:00+07:00"),
    ("2021-03-23T09:00:00+08:00", None, "2021-03-23T09:00:00+08:00"),
]


@pytest.mark.parametrize("text,ref,value", TIMES)
def test_clock_times_carry_the_zone_offset(text, ref, value):
    assert parse_date(text, ref).to_dict() == {"value": value, "granularity": "time"}


def test_clock_range():
    assert parse_date("pukul 09.00-12.00 WIB", REF).to_dict() == {
        "value": {"start": "2021-03-23T09:00:00+07:00", "end": "2021-03-23T12:00:00+07:00"},
        "granularity": "range",
    }


UNRESOLVED = [
    ("kemarin", None, "publication date"),
    ("Selasa", None, "publication date"),
    ("pekan lalu", None, "publication date"),
    ("23 Maret", None, "publication date"),
    ("pukul 09.00 WITA", None, "publication date"),
    ("Senin (301/2023)", REF, "unrecognised date '301/2023'"),
    ("31/2/2021", None, "invalid date"),
    ("30 Februari 2021", None, "invalid date"),
    ("13/13/2021", None, "no month 13"),
    ("tahun 0999", None, "out of range"),
    ("5-2 Maret 2024", None, "ends before it starts"),
    ("pukul 25.00", REF, "no clock time"),
    ("saat ini", REF, "unrecognised date"),
    ("selama ini", REF, "unrecognised date"),
    ("malam", REF, "part of the day"),
    ("besok", date(9999, 12, 31), "out of range"),
    ("", REF, "empty text"),
    ("triwulan II", None, "publication date"),
    ("kuartal V 2021", None, "unrecognised date"),
    ("semester III 2021", None, "there is no semester III"),
    ("kuartal 42021", None, "unrecognised date"),
    ("   ", REF, "empty text"),
]


@pytest.mark.parametrize("text,ref,reason", UNRESOLVED)
def test_unresolved_says_why(text, ref, reason):
    result = parse_date(text, ref)
    assert isinstance(result, Unresolved) and not result
    assert reason in result.reason
    assert result.to_dict() == {"error": result.reason}


# dateparser handles absolute forms the Indonesian grammar does not know.
DATEPARSER = [
    ("March 23, 2021", None, "2021-03-23", "day"),
    ("23 March 2021", None, "2021-03-23", "day"),
    ("Tuesday, 23 March 2021", None, "2021-03-23", "day"),
    ("23rd March 2021", None, "2021-03-23", "day"),
    ("March 2021", None, "2021-03", "month"),
    ("23 March", REF, "2021-03-23", "day"),
    ("December 25", REF, "2021-12-25", "day"),
]


@pytest.mark.parametrize("text,ref,value,granularity", DATEPARSER)
def test_dateparser_fallback(text, ref, value, granularity):
    assert parse_date(text, ref).to_dict() == {"value": value, "granularity": granularity}


def test_dateparser_fallback_without_year_needs_ref():
    assert isinstance(parse_date("23 March"), Unresolved)


def test_grammar_path_does_not_import_dateparser():
    code = (
        "import sys\nfrom warta.normalise import parse_date\n"
        "assert parse_date('Selasa (23/3/2021)').value == '2021-03-23'\n"
        "assert parse_date('kemarin', '2021-03-23').value == '2021-03-22'\n"
        "assert 'dateparser' not in sys.modules\n"
        "assert parse_date('March 23, 2021').value == '2021-03-23'\n"
        "assert 'dateparser' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("ref", [REF, datetime(2021, 3, 23, 22, 15), "2021-03-23", "2021-03-23T22:15:00+07:00"])
def test_ref_forms(ref):
    assert parse_date("kemarin", ref).to_dict() == {"value": "2021-03-22", "granularity": "day"}


def test_bad_ref_string_is_unresolved_not_raised():
    result = parse_date("kemarin", "23 Maret 2021")
    assert isinstance(result, Unresolved) and "not ISO" in result.reason


def test_result_types():
    single = parse_date("23 Maret 2021")
    assert single == DateValue("2021-03-23", "day")
    assert parse_date("1-5 Maret 2024") == DateValue(DateRange("2024-03-01", "2024-03-05"), "range")


@pytest.mark.parametrize("bad", [None, 2021, b"23/3/2021"])
def test_non_str_text_raises_type_error(bad):
    with pytest.raises(TypeError):
        parse_date(bad)


def test_wrong_ref_type_raises_type_error():
    with pytest.raises(TypeError):
        parse_date("kemarin", 20210323)


def test_parts_of_the_year_without_a_year_take_the_publication_year():
    assert parse_date("triwulan I", REF).to_dict()["value"] == {"start": "2021-01", "end": "2021-03"}
    assert parse_date("semester kedua tahun lalu", REF).to_dict()["value"] == {"start": "2020-07", "end": "2020-12"}


@pytest.mark.parametrize("text,value", [("Maret '21", "2021-03"), ("Maret \u201921", "2021-03"),
                                        ("23 Maret '21", "2021-03-23"), ("Des '99", "1999-12")])
def test_apostrophe_two_digit_year(text, value):
    assert parse_date(text, REF).to_dict()["value"] == value
