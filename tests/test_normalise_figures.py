"""parse_figure and parse_number: digits, Indonesian number words, magnitudes, currencies, ranges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from warta.normalise import Figure, Range, Unresolved, parse_figure, parse_number
from warta.normalise.figures import parse_digits

# (text, value, unit, currency, percent, approximate)
FIGURES = [
    # counts with their noun
    ("177 ribu pekerja migran", 177000, "pekerja migran", None, False, False),
    ("177 ribu", 177000, None, None, False, False),
    ("613 pekerja migran", 613, "pekerja migran", None, False, False),
    ("14.501 orang", 14501, "orang", None, False, False),
    ("1.200", 1200, None, None, False, False),
    ("1.200.000 jiwa", 1200000, "jiwa", None, False, False),
    ("15 kabupaten/kota", 15, "kabupaten/kota", None, False, False),
    ("11 program pelatihan kerja", 11, "program pelatihan kerja", None, False, False),
    ("3 unit mobil", 3, "unit mobil", None, False, False),
    ("tiga orang", 3, "orang", None, False, False),
    ("dua tersangka", 2, "tersangka", None, False, False),
    ("seratus orang", 100, "orang", None, False, False),
    ("Dua Puluh Lima orang", 25, "orang", None, False, False),
    ("1,5 juta", 1500000, None, None, False, False),
    ("1.5 juta", 1500000, None, None, False, False),
    ("1.25 juta", 1250000, None, None, False, False),
    ("2 juta", 2000000, None, None, False, False),
    ("1,5 miliar", 1500000000, None, None, False, False),
    ("2 juta 500 ribu", 2500000, None, None, False, False),
    # ages and bare numbers
    ("28", 28, None, None, False, False),
    ("(28)", 28, None, None, False, False),
    ("28 tahun", 28, "tahun", None, False, False),
    # durations and measures
    ("60 hari", 60, "hari", None, False, False),
    ("2 tahun", 2, "tahun", None, False, False),
    ("dua tahun", 2, "tahun", None, False, False),
    ("sepuluh hari", 10, "hari", None, False, False),
    ("setahun", 1, "tahun", None, False, False),
    ("sepekan", 1, "pekan", None, False, False),
    ("3,5 kilometer", 3.5, "kilometer", None, False, False),
    ("10 hektare", 10, "hektare", None, False, False),
    ("10km", 10, "km", None, False, False),
    ("1 x 24 jam", 24, "jam", None, False, False),
    ("2 x 24 jam", 48, "jam", None, False, False),
    ("minus 5 derajat Celsius", -5, "derajat Celsius", None, False, False),
    # percentages
    ("2,5 persen", 2.5, None, None, True, False),
    ("21 %", 21, None, None, True, False),
    ("21%", 21, None, None, True, False),
    ("20 persen warga", 20, "warga", None, True, False),
    ("lima persen", 5, None, None, True, False),
    # rupiah
    ("Rp 4,5 miliar", 4500000000, None, "IDR", False, False),
    ("Rp4,5 M", 4500000000, None, "IDR", False, False),
    ("Rp 12 T", 12000000000000, None, "IDR", False, False),
    ("Rp 300 rb", 300000, None, "IDR", False, False),
    ("Rp 2 jt", 2000000, None, "IDR", False, False),
    ("Rp 2 jt.", 2000000, None, "IDR", False, False),
    ("Rp 50K", 50000, None, "IDR", False, False),
    ("Rp 1,2 triliun", 1200000000000, None, "IDR", False, False),
    ("Rp 500.000,00", 500000, None, "IDR", False, False),
    ("Rp. 1.500.000", 1500000, None, "IDR", False, False),
    ("Rp1.250.000,50", 1250000.5, None, "IDR", False, False),
    ("IDR 5 juta", 5000000, None, "IDR", False, False),
    ("5 juta rupiah", 5000000, None, "IDR", False, False),
    ("dua puluh lima ribu rupiah", 25000, None, "IDR", False, False),
    ("Rp 50 ribu per orang", 50000, "per orang", "IDR", False, False),
    # foreign currencies
    ("US$ 1,2 juta", 1200000, None, "USD", False, False),
    ("US$1,2 juta", 1200000, None, "USD", False, False),
    ("USD 500", 500, None, "USD", False, False),
    ("1,2 juta dolar AS", 1200000, None, "USD", False, False),
    ("100 dolar Amerika Serikat", 100, None, "USD", False, False),
    ("RM 500", 500, None, "MYR", False, False),
    ("500 ringgit", 500, None, "MYR", False, False),
    ("1.500 ringgit Malaysia", 1500, None, "MYR", False, False),
    ("SGD 300", 300, None, "SGD", False, False),
    ("S$ 300", 300, None, "SGD", False, False),
    ("300 dolar Singapura", 300, None, "SGD", False, False),
    ("NT$ 20.000", 20000, None, "TWD", False, False),
    ("HK$ 5.000", 5000, None, "HKD", False, False),
    ("1.000 riyal", 1000, None, "SAR", False, False),
    ("SAR 900", 900, None, "SAR", False, False),
    ("5 juta won", 5000000, None, "KRW", False, False),
    ("100 ribu yen", 100000, None, "JPY", False, False),
    ("20 euro", 20, None, "EUR", False, False),
    ("€ 20", 20, None, "EUR", False, False),
    # approximate
    ("sekitar 300 orang", 300, "orang", None, False, True),
    ("sekira 300 orang", 300, "orang", None, False, True),
    ("kurang lebih 40 orang", 40, "orang", None, False, True),
    ("lebih dari 50", 50, None, None, False, True),
    ("hampir 1.000", 1000, None, None, False, True),
    ("setidaknya 12 orang", 12, "orang", None, False, True),
    ("kira-kira 200 keluarga", 200, "keluarga", None, False, True),
    ("± 30 orang", 30, "orang", None, False, True),
    ("300 orang lebih", 300, "orang", None, False, True),
    ("300-an orang", 300, "orang", None, False, True),
    ("sebanyak 300 orang", 300, "orang", None, False, False),
    ("sejumlah 45 PMI", 45, "PMI", None, False, False),
    ("senilai Rp 2 miliar", 2000000000, None, "IDR", False, False),
]


@pytest.mark.parametrize("text,value,unit,currency,percent,approximate", FIGURES)
def test_figures(text, value, unit, currency, percent, approximate):
    assert parse_figure(text).to_dict() == {
        "value": value,
        "approximate": approximate,
        "unit": unit,
        "currency": currency,
        "percent": percent,
    }


def test_integral_values_are_int_and_others_float():
    assert type(parse_figure("Rp 4,5 miliar").value) is int
    assert type(parse_figure("2,5 persen").value) is float


# (text, min, max, unit, currency, percent, approximate)
RANGES = [
    ("belasan", 10, 19, None, None, False, True),
    ("belasan calon PMI", 10, 19, "calon PMI", None, False, True),
    ("puluhan", 10, 99, None, None, False, True),
    ("puluhan warga", 10, 99, "warga", None, False, True),
    ("ratusan", 100, 999, None, None, False, True),
    ("ribuan", 1000, 9999, None, None, False, True),
    ("jutaan", 1000000, 9999999, None, None, False, True),
    ("puluhan ribu", 10000, 99999, None, None, False, True),
    ("belasan ribu", 10000, 19999, None, None, False, True),
    ("ratusan ribu orang", 100000, 999999, "orang", None, False, True),
    ("Rp puluhan miliar", 10000000000, 99999999999, None, "IDR", False, True),
    ("puluhan persen", 10, 99, None, None, True, True),
    ("4-6 ribu", 4000, 6000, None, None, False, False),
    ("4 hingga 6 juta", 4000000, 6000000, None, None, False, False),
    ("4 sampai 6 juta orang", 4000000, 6000000, "orang", None, False, False),
    ("Rp 500-750 ribu", 500000, 750000, None, "IDR", False, False),
    ("Rp 500 ribu-Rp 1 juta", 500000, 1000000, None, "IDR", False, False),
    ("1-1,5 juta", 1000000, 1500000, None, None, False, False),
    ("2,5-3 persen", 2.5, 3, None, None, True, False),
    ("antara 4 dan 6 juta", 4000000, 6000000, None, None, False, False),
    ("20 s.d. 30 orang", 20, 30, "orang", None, False, False),
    ("sekitar 4-6 ribu pekerja", 4000, 6000, "pekerja", None, False, True),
]


@pytest.mark.parametrize("text,lo,hi,unit,currency,percent,approximate", RANGES)
def test_ranges_and_collectives(text, lo, hi, unit, currency, percent, approximate):
    assert parse_figure(text).to_dict() == {
        "value": {"min": lo, "max": hi},
        "approximate": approximate,
        "unit": unit,
        "currency": currency,
        "percent": percent,
    }


NUMBER_WORDS = [
    ("nol", 0),
    ("satu", 1),
    ("sembilan", 9),
    ("sepuluh", 10),
    ("sebelas", 11),
    ("dua belas", 12),
    ("sembilan belas", 19),
    ("dua puluh", 20),
    ("dua puluh lima", 25),
    ("sembilan puluh sembilan", 99),
    ("seratus", 100),
    ("seratus satu", 101),
    ("seratus sepuluh", 110),
    ("seratus sebelas", 111),
    ("seratus dua belas", 112),
    ("dua ratus lima puluh", 250),
    ("sembilan ratus sembilan puluh sembilan", 999),
    ("seribu", 1000),
    ("seribu dua ratus", 1200),
    ("dua ribu dua puluh satu", 2021),
    ("sepuluh ribu", 10000),
    ("sebelas ribu", 11000),
    ("seratus ribu", 100000),
    ("seratus dua puluh tiga ribu", 123000),
    ("sejuta", 1000000),
    ("satu juta", 1000000),
    ("dua juta lima ratus ribu", 2500000),
    ("semiliar", 1000000000),
    ("tiga miliar", 3000000000),
    ("tiga milyar", 3000000000),
    ("dua triliun", 2000000000000),
    ("setengah", 0.5),
    ("seperempat", 0.25),
    ("satu setengah", 1.5),
    ("satu setengah juta", 1500000),
    ("setengah juta", 500000),
    ("dua setengah miliar", 2500000000),
    ("tiga perempat", 0.75),
    ("sepertiga", pytest.approx(1 / 3)),
    ("dua pertiga", pytest.approx(2 / 3)),
    ("seperlima", 0.2),
    ("sepertujuh", pytest.approx(1 / 7)),
    ("seperseribu", 0.001),
    ("tiga perempat juta", 750000),
    ("1,5 juta", 1500000),
    ("2 ratus", 200),
    ("177 ribu", 177000),
]


@pytest.mark.parametrize("text,value", NUMBER_WORDS)
def test_number_words(text, value):
    assert parse_number(text) == value


_UNITS = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]


def _below_100(n: int) -> str:
    if n < 10:
        return _UNITS[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    tens, units = divmod(n, 10)
    return f"{_UNITS[tens]} puluh" + (f" {_UNITS[units]}" if units else "")


def _below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append("seratus" if hundreds == 1 else f"{_UNITS[hundreds]} ratus")
    if rest:
        words.append(_below_100(rest))
    return " ".join(words)


def spell(n: int) -> str:
    """Indonesian words for n, written independently of the parser (school rules)."""
    if n == 0:
        return "nol"
    words = []
    for scale, word in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (1000, "ribu")):
        count, n = divmod(n, scale)
        if count:
            words.append("seribu" if (count, scale) == (1, 1000) else f"{_below_1000(count)} {word}")
    if n:
        words.append(_below_1000(n))
    return " ".join(words)


def test_every_number_below_3000_round_trips_through_words():
    for n in range(3000):
        assert parse_number(spell(n)) == n, spell(n)


@pytest.mark.parametrize(
    "n",
    [10_000, 11_011, 99_999, 100_001, 999_999, 1_000_001, 12_345_678, 987_654_321, 1_002_003_004, 5_000_000_000_017],
)
def test_large_numbers_round_trip_through_words(n):
    assert parse_number(spell(n)) == n


DIGITS = [
    ("1.200", Decimal(1200)),
    ("1.200.000", Decimal(1200000)),
    ("4,5", Decimal("4.5")),
    ("1.200,50", Decimal("1200.50")),
    ("1,200.50", Decimal("1200.50")),
    ("1,200,000", Decimal(1200000)),
    ("1.5", Decimal("1.5")),
    ("0.500", Decimal("0.5")),
    ("12.34", Decimal("12.34")),
    ("500.000,00", Decimal("500000.00")),
    ("1.20.000", None),
    ("1,2,3", None),
    ("1.200,5,0", None),
]


@pytest.mark.parametrize("text,value", DIGITS)
def test_digit_separators(text, value):
    assert parse_digits(text) == value


UNRESOLVED = [
    ("ke-16", "ordinal"),
    ("Ke-16 tersangka", "ordinal"),
    ("kelima", "ordinal"),
    ("kedua orang itu", "ordinal"),
    ("seorang", "no number"),
    ("level 4", "no number"),
    ("dolar", "no number"),
    ("Rp", "no number"),
    ("dua dua", "two units in a row"),
    ("puluh lima", "without a digit"),
    ("ribu juta", "out of order"),
    ("7 hingga 3 orang", "below its start"),
    ("99999999999999999999999999", "too large"),
    ("1.20.000 orang", "malformed number"),
    ("", "empty"),
]


@pytest.mark.parametrize("text,reason", UNRESOLVED)
def test_unresolved(text, reason):
    result = parse_figure(text)
    assert isinstance(result, Unresolved) and not result
    assert reason in result.reason


def test_result_type():
    assert parse_figure("4-6 ribu") == Figure(Range(4000, 6000))
    assert parse_figure("613 pekerja migran") == Figure(613, unit="pekerja migran")


def test_non_str_raises_type_error():
    with pytest.raises(TypeError):
        parse_figure(613)  # type: ignore[arg-type]


def test_fraction_keeps_its_counted_noun():
    got = parse_figure("tiga perempat penduduk")
    assert got.value == 0.75 and got.unit == "penduduk"


@pytest.mark.parametrize("text", ["dua puluh tiga perempat", "satu juta tiga perempat"])
def test_fraction_numerator_is_one_small_number(text):
    got = parse_figure(text)
    assert isinstance(got, Unresolved) and "numerator" in got.reason


def test_denominator_without_numerator_is_unresolved():
    got = parse_figure("perempat")
    assert isinstance(got, Unresolved) and "numerator" in got.reason
