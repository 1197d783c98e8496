"""parse_org and resolve_place: fixed names, regional patterns, places, and the data tables."""

from __future__ import annotations

import pytest

from warta.normalise import OrgName, Unresolved, parse_org, resolve_place
from warta.normalise.base import split_list, table
from warta.normalise.orgs import agency_keys

KINDS = {
    "ministry",
    "agency",
    "regional_government",
    "police",
    "military",
    "prosecutor",
    "court",
    "parliament",
    "bumn",
    "ngo",
    "other",
}

# (text, canonical, acronym, kind)
FIXED = [
    ("BP2MI", "Badan Pelindungan Pekerja Migran Indonesia", "BP2MI", "agency"),
    ("Badan Pelindungan Pekerja Migran Indonesia", "Badan Pelindungan Pekerja Migran Indonesia", "BP2MI", "agency"),
    (
        "Badan Pelindungan Pekerja Migran Indonesia (BP2MI)",
        "Badan Pelindungan Pekerja Migran Indonesia",
        "BP2MI",
        "agency",
    ),
    ("BNP2TKI", "Badan Nasional Penempatan dan Perlindungan Tenaga Kerja Indonesia", "BNP2TKI", "agency"),
    ("KP2MI", "Kementerian Pelindungan Pekerja Migran Indonesia", "KP2MI", "ministry"),
    ("Kementerian P2MI", "Kementerian Pelindungan Pekerja Migran Indonesia", "KP2MI", "ministry"),
    ("Kemnaker", "Kementerian Ketenagakerjaan", "Kemnaker", "ministry"),
    ("Kemenaker", "Kementerian Ketenagakerjaan", "Kemnaker", "ministry"),
    ("Kemnaker RI", "Kementerian Ketenagakerjaan", "Kemnaker", "ministry"),
    ("Kementerian Ketenagakerjaan Republik Indonesia", "Kementerian Ketenagakerjaan", "Kemnaker", "ministry"),
    ("Kemendagri", "Kementerian Dalam Negeri", "Kemendagri", "ministry"),
    ("Kemenlu", "Kementerian Luar Negeri", "Kemenlu", "ministry"),
    ("Kemlu", "Kementerian Luar Negeri", "Kemenlu", "ministry"),
    ("Kemenkes", "Kementerian Kesehatan", "Kemenkes", "ministry"),
    ("Kemendikbudristek", "Kementerian Pendidikan, Kebudayaan, Riset, dan Teknologi", "Kemendikbudristek", "ministry"),
    ("Kemensos", "Kementerian Sosial", "Kemensos", "ministry"),
    ("Kemenkeu", "Kementerian Keuangan", "Kemenkeu", "ministry"),
    ("KemenPPPA", "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak", "KemenPPPA", "ministry"),
    ("Kemenkumham", "Kementerian Hukum dan Hak Asasi Manusia", "Kemenkumham", "ministry"),
    ("Kemenhub", "Kementerian Perhubungan", "Kemenhub", "ministry"),
    ("Kemenko Polhukam", "Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan", "Kemenko Polhukam", "ministry"),
    ("Ditjen Imigrasi", "Direktorat Jenderal Imigrasi", "Ditjen Imigrasi", "ministry"),
    ("Imigrasi", "Direktorat Jenderal Imigrasi", "Ditjen Imigrasi", "ministry"),
    ("BNPB", "Badan Nasional Penanggulangan Bencana", "BNPB", "agency"),
    ("BPS", "Badan Pusat Statistik", "BPS", "agency"),
    ("BNN", "Badan Narkotika Nasional", "BNN", "agency"),
    ("BPOM", "Badan Pengawas Obat dan Makanan", "BPOM", "agency"),
    ("BMKG", "Badan Meteorologi, Klimatologi, dan Geofisika", "BMKG", "agency"),
    ("Basarnas", "Badan Nasional Pencarian dan Pertolongan", "Basarnas", "agency"),
    ("KPK", "Komisi Pemberantasan Korupsi", "KPK", "agency"),
    ("Komnas HAM", "Komisi Nasional Hak Asasi Manusia", "Komnas HAM", "agency"),
    ("LPSK", "Lembaga Perlindungan Saksi dan Korban", "LPSK", "agency"),
    ("Ombudsman RI", "Ombudsman Republik Indonesia", "Ombudsman RI", "agency"),
    ("OJK", "Otoritas Jasa Keuangan", "OJK", "agency"),
    ("BPJS Ketenagakerjaan", "Badan Penyelenggara Jaminan Sosial Ketenagakerjaan", "BPJS Ketenagakerjaan", "agency"),
    ("BP Jamsostek", "Badan Penyelenggara Jaminan Sosial Ketenagakerjaan", "BPJS Ketenagakerjaan", "agency"),
    ("Polri", "Kepolisian Negara Republik Indonesia", "Polri", "police"),
    ("Mabes Polri", "Kepolisian Negara Republik Indonesia", "Polri", "police"),
    ("Bareskrim Polri", "Badan Reserse Kriminal", "Bareskrim", "police"),
    ("Densus 88 Antiteror", "Detasemen Khusus 88 Antiteror", "Densus 88", "police"),
    ("Ditreskrimum", "Direktorat Reserse Kriminal Umum", "Ditreskrimum", "police"),
    ("TNI AL", "Tentara Nasional Indonesia Angkatan Laut", "TNI AL", "military"),
    ("Kopassus", "Komando Pasukan Khusus", "Kopassus", "military"),
    ("Kejagung", "Kejaksaan Agung", "Kejagung", "prosecutor"),
    ("Kejaksaan Agung", "Kejaksaan Agung", "Kejagung", "prosecutor"),
    ("MA", "Mahkamah Agung", "MA", "court"),
    ("Mahkamah Konstitusi", "Mahkamah Konstitusi", "MK", "court"),
    ("Komisi Yudisial", "Komisi Yudisial", "KY", "agency"),
    ("DPR RI", "Dewan Perwakilan Rakyat", "DPR", "parliament"),
    ("DPD", "Dewan Perwakilan Daerah", "DPD", "parliament"),
    ("MPR", "Majelis Permusyawaratan Rakyat", "MPR", "parliament"),
    ("Komisi IX DPR RI", "Komisi IX DPR", "Komisi IX DPR", "parliament"),
    ("PT Pertamina (Persero)", "PT Pertamina (Persero)", "Pertamina", "bumn"),
    ("Pertamina", "PT Pertamina (Persero)", "Pertamina", "bumn"),
    ("PT PLN (Persero)", "PT Perusahaan Listrik Negara (Persero)", "PLN", "bumn"),
    ("Bank BRI", "PT Bank Rakyat Indonesia (Persero)", "BRI", "bumn"),
    ("PT Pelni", "PT Pelayaran Nasional Indonesia (Persero)", "Pelni", "bumn"),
    ("Migrant CARE", "Migrant CARE", "Migrant CARE", "ngo"),
    ("SBMI", "Serikat Buruh Migran Indonesia", "SBMI", "ngo"),
    ("IOM", "International Organization for Migration", "IOM", "other"),
    ("BLK", "Balai Latihan Kerja", "BLK", "agency"),
    ("Antara", "Perum Lembaga Kantor Berita Nasional Antara", "Antara", "bumn"),
]


@pytest.mark.parametrize("text,canonical,acronym,kind", FIXED)
def test_fixed_names(text, canonical, acronym, kind):
    org = parse_org(text)
    assert (org.canonical, org.acronym, org.kind) == (canonical, acronym, kind)


def test_parent_and_region_of_fixed_name():
    assert parse_org("BP2MI").to_dict() == {
        "canonical": "Badan Pelindungan Pekerja Migran Indonesia",
        "acronym": "BP2MI",
        "kind": "agency",
        "region": None,
        "parent": "KP2MI",
    }
    assert parse_org("Polda Metro Jaya").region == "DKI Jakarta"


# (text, canonical, acronym, kind, region)
REGIONAL = [
    ("Pemprov Lampung", "Pemerintah Provinsi Lampung", "Pemprov Lampung", "regional_government", "Lampung"),
    ("Pemerintah Provinsi Lampung", "Pemerintah Provinsi Lampung", "Pemprov Lampung", "regional_government", "Lampung"),
    ("Pemprov Jatim", "Pemerintah Provinsi Jawa Timur", "Pemprov Jawa Timur", "regional_government", "Jawa Timur"),
    (
        "Pemkab Lampung Selatan",
        "Pemerintah Kabupaten Lampung Selatan",
        "Pemkab Lampung Selatan",
        "regional_government",
        "Lampung Selatan",
    ),
    (
        "Pemerintah Kabupaten Nunukan",
        "Pemerintah Kabupaten Nunukan",
        "Pemkab Nunukan",
        "regional_government",
        "Nunukan",
    ),
    (
        "Pemkot Bandar Lampung",
        "Pemerintah Kota Bandar Lampung",
        "Pemkot Bandar Lampung",
        "regional_government",
        "Bandar Lampung",
    ),
    ("Pemerintah Kota Dumai", "Pemerintah Kota Dumai", "Pemkot Dumai", "regional_government", "Dumai"),
    ("DPRD Lampung", "Dewan Perwakilan Rakyat Daerah Provinsi Lampung", "DPRD Lampung", "parliament", "Lampung"),
    (
        "DPRD Provinsi Lampung",
        "Dewan Perwakilan Rakyat Daerah Provinsi Lampung",
        "DPRD Lampung",
        "parliament",
        "Lampung",
    ),
    (
        "DPRD Kabupaten Lampung Selatan",
        "Dewan Perwakilan Rakyat Daerah Kabupaten Lampung Selatan",
        "DPRD Kabupaten Lampung Selatan",
        "parliament",
        "Lampung Selatan",
    ),
    (
        "DPRD Kab. Lampung Selatan",
        "Dewan Perwakilan Rakyat Daerah Kabupaten Lampung Selatan",
        "DPRD Kabupaten Lampung Selatan",
        "parliament",
        "Lampung Selatan",
    ),
    ("DPRD Kota Bogor", "Dewan Perwakilan Rakyat Daerah Kota Bogor", "DPRD Kota Bogor", "parliament", "Bogor"),
    ("Polda Jatim", "Kepolisian Daerah Jawa Timur", "Polda Jawa Timur", "police", "Jawa Timur"),
    ("Polda Jawa Timur", "Kepolisian Daerah Jawa Timur", "Polda Jawa Timur", "police", "Jawa Timur"),
    ("Polda Sumut", "Kepolisian Daerah Sumatera Utara", "Polda Sumatera Utara", "police", "Sumatera Utara"),
    ("Polda Kepri", "Kepolisian Daerah Kepulauan Riau", "Polda Kepulauan Riau", "police", "Kepulauan Riau"),
    (
        "Polda NTB",
        "Kepolisian Daerah Nusa Tenggara Barat",
        "Polda Nusa Tenggara Barat",
        "police",
        "Nusa Tenggara Barat",
    ),
    ("Polres Dumai", "Kepolisian Resor Dumai", "Polres Dumai", "police", "Dumai"),
    (
        "Polresta Bandar Lampung",
        "Kepolisian Resor Kota Bandar Lampung",
        "Polresta Bandar Lampung",
        "police",
        "Bandar Lampung",
    ),
    ("Polrestabes Medan", "Kepolisian Resor Kota Besar Medan", "Polrestabes Medan", "police", "Medan"),
    (
        "Polres Metro Jakarta Selatan",
        "Kepolisian Resor Metro Jakarta Selatan",
        "Polres Metro Jakarta Selatan",
        "police",
        "Jakarta Selatan",
    ),
    (
        "Polsek Tanjung Karang Barat",
        "Kepolisian Sektor Tanjung Karang Barat",
        "Polsek Tanjung Karang Barat",
        "police",
        "Tanjung Karang Barat",
    ),
    ("Kejati Lampung", "Kejaksaan Tinggi Lampung", "Kejati Lampung", "prosecutor", "Lampung"),
    (
        "Kejaksaan Negeri Bandar Lampung",
        "Kejaksaan Negeri Bandar Lampung",
        "Kejari Bandar Lampung",
        "prosecutor",
        "Bandar Lampung",
    ),
    (
        "Pengadilan Negeri Tanjung Karang",
        "Pengadilan Negeri Tanjung Karang",
        "PN Tanjung Karang",
        "court",
        "Tanjung Karang",
    ),
    ("PN Jakarta Pusat", "Pengadilan Negeri Jakarta Pusat", "PN Jakarta Pusat", "court", "Jakarta Pusat"),
    (
        "Dinas Tenaga Kerja Kota Bandar Lampung",
        "Dinas Tenaga Kerja Kota Bandar Lampung",
        "Disnaker Kota Bandar Lampung",
        "regional_government",
        "Bandar Lampung",
    ),
    ("Disnaker Lampung", "Dinas Tenaga Kerja Provinsi Lampung", "Disnaker Lampung", "regional_government", "Lampung"),
    (
        "Disnakertrans Provinsi NTB",
        "Dinas Tenaga Kerja dan Transmigrasi Provinsi Nusa Tenggara Barat",
        "Disnakertrans Nusa Tenggara Barat",
        "regional_government",
        "Nusa Tenggara Barat",
    ),
    (
        "Dinas Sosial Kabupaten Indramayu",
        "Dinas Sosial Kabupaten Indramayu",
        "Dinsos Kabupaten Indramayu",
        "regional_government",
        "Indramayu",
    ),
    ("BP3MI Riau", "Balai Pelayanan Pelindungan Pekerja Migran Indonesia Riau", "BP3MI Riau", "agency", "Riau"),
    (
        "BP3MI Lampung",
        "Balai Pelayanan Pelindungan Pekerja Migran Indonesia Lampung",
        "BP3MI Lampung",
        "agency",
        "Lampung",
    ),
    (
        "UPT BP2MI Nunukan",
        "Unit Pelaksana Teknis Badan Pelindungan Pekerja Migran Indonesia Nunukan",
        "UPT BP2MI Nunukan",
        "agency",
        "Nunukan",
    ),
    (
        "Kantor Imigrasi Kelas I TPI Bandar Lampung",
        "Kantor Imigrasi Bandar Lampung",
        "Kanim Bandar Lampung",
        "ministry",
        "Bandar Lampung",
    ),
    ("Kanim Batam", "Kantor Imigrasi Batam", "Kanim Batam", "ministry", "Batam"),
    ("Rudenim Pekanbaru", "Rumah Detensi Imigrasi Pekanbaru", "Rudenim Pekanbaru", "ministry", "Pekanbaru"),
    (
        "BPBD Lampung Selatan",
        "Badan Penanggulangan Bencana Daerah Lampung Selatan",
        "BPBD Lampung Selatan",
        "regional_government",
        "Lampung Selatan",
    ),
    (
        "Bappeda Jabar",
        "Badan Perencanaan Pembangunan Daerah Provinsi Jawa Barat",
        "Bappeda Jawa Barat",
        "regional_government",
        "Jawa Barat",
    ),
    ("RSUD Kota Bogor", "Rumah Sakit Umum Daerah Kota Bogor", "RSUD Kota Bogor", "regional_government", "Bogor"),
    ("RSUD Abdul Moeloek", "Rumah Sakit Umum Daerah Abdul Moeloek", "RSUD Abdul Moeloek", "regional_government", None),
    (
        "KBRI Kuala Lumpur",
        "Kedutaan Besar Republik Indonesia di Kuala Lumpur",
        "KBRI Kuala Lumpur",
        "ministry",
        "Kuala Lumpur",
    ),
    (
        "KJRI Johor Bahru",
        "Konsulat Jenderal Republik Indonesia di Johor Bahru",
        "KJRI Johor Bahru",
        "ministry",
        "Johor Bahru",
    ),
    ("Kodam II/Sriwijaya", "Komando Daerah Militer II/Sriwijaya", "Kodam II/Sriwijaya", "military", None),
    ("LBH Bandar Lampung", "Lembaga Bantuan Hukum Bandar Lampung", "LBH Bandar Lampung", "ngo", "Bandar Lampung"),
    ("BPS Provinsi Lampung", "Badan Pusat Statistik Provinsi Lampung", "BPS Lampung", "agency", "Lampung"),
    (
        "Ombudsman RI Perwakilan Lampung",
        "Ombudsman Republik Indonesia Perwakilan Provinsi Lampung",
        "Ombudsman RI Perwakilan Lampung",
        "agency",
        "Lampung",
    ),
    (
        "Ditreskrimum Polda Jatim",
        "Direktorat Reserse Kriminal Umum Polda Jawa Timur",
        "Ditreskrimum Polda Jawa Timur",
        "police",
        "Jawa Timur",
    ),
    ("Satreskrim Polres Dumai", "Satuan Reserse Kriminal Polres Dumai", "Satreskrim Polres Dumai", "police", "Dumai"),
]


@pytest.mark.parametrize("text,canonical,acronym,kind,region", REGIONAL)
def test_regional_bodies(text, canonical, acronym, kind, region):
    org = parse_org(text)
    assert (org.canonical, org.acronym, org.kind, org.region) == (canonical, acronym, kind, region)


def test_regional_parent():
    assert parse_org("BP3MI Riau").parent == "BP2MI"
    assert parse_org("Polres Dumai").parent == "Polri"


# (text, canonical, acronym, region)
UNKNOWN = [
    ("Satgas", "Satgas", None, None),
    ("PT Maju Jaya Abadi", "PT Maju Jaya Abadi", None, None),
    ("Satgas PMI Lampung", "Satgas PMI Lampung", None, "Lampung"),
    ("LKS Tripartit", "LKS Tripartit", None, None),
    ("SPSI", "SPSI", "SPSI", None),
]


@pytest.mark.parametrize("text,canonical,acronym,region", UNKNOWN)
def test_unknown_names_are_kept_with_kind_none(text, canonical, acronym, region):
    assert parse_org(text) == OrgName(canonical, acronym, None, region, None)


@pytest.mark.parametrize("text", ["", "   ", "123", "!!!"])
def test_no_name_is_unresolved(text):
    result = parse_org(text)
    assert isinstance(result, Unresolved) and not result


# (text, name, level)
PLACES = [
    ("Lampung", "Lampung", "Provinsi"),
    ("Provinsi Lampung", "Lampung", "Provinsi"),
    ("Jatim", "Jawa Timur", "Provinsi"),
    ("Jabar", "Jawa Barat", "Provinsi"),
    ("Jateng", "Jawa Tengah", "Provinsi"),
    ("Sulsel", "Sulawesi Selatan", "Provinsi"),
    ("Sulteng", "Sulawesi Tengah", "Provinsi"),
    ("Sultra", "Sulawesi Tenggara", "Provinsi"),
    ("Kaltim", "Kalimantan Timur", "Provinsi"),
    ("Kaltara", "Kalimantan Utara", "Provinsi"),
    ("NTT", "Nusa Tenggara Timur", "Provinsi"),
    ("DIY", "DI Yogyakarta", "Provinsi"),
    ("Babel", "Kepulauan Bangka Belitung", "Provinsi"),
    ("Jakarta", "DKI Jakarta", "Provinsi"),
    ("Nanggroe Aceh Darussalam", "Aceh", "Provinsi"),
    ("Papua Pegunungan", "Papua Pegunungan", "Provinsi"),
    ("Kota Yogyakarta", "Yogyakarta", "Kota"),
    ("Kota Dumai", "Dumai", "Kota"),
    ("Kabupaten Lampung Selatan", "Lampung Selatan", "Kabupaten"),
    ("Kab. Nunukan", "Nunukan", "Kabupaten"),
    ("Nunukan", "Nunukan", None),
]


@pytest.mark.parametrize("text,name,level", PLACES)
def test_places(text, name, level):
    place = resolve_place(text)
    assert (place.name, place.level) == (name, level)


def test_agencies_table_size_and_kinds():
    rows = table("agencies.tsv")
    assert len(rows) >= 300
    assert {row["kind"] for row in rows} <= KINDS
    assert {row["kind"] for row in table("agency_patterns.tsv")} <= KINDS


def test_agency_parents_are_known():
    rows = table("agencies.tsv") + table("agency_patterns.tsv")
    for row in rows:
        if row["parent"]:
            assert parse_org(row["parent"]).kind is not None, row["parent"]


def test_no_lookup_key_names_two_bodies():
    clashes = {k: names for k, names in agency_keys().items() if len(set(names)) > 1}
    assert clashes == {}


def test_thirty_eight_provinces():
    rows = table("provinces.tsv")
    assert len(rows) == 38
    forms = [f.lower() for row in rows for f in [row["name"], *split_list(row["aliases"])]]
    assert len(forms) == len(set(forms))
