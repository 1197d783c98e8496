"""build_officials: roles, organisations, name variants and holderless offices."""

from __future__ import annotations

from warta.normalise import Official, build_officials
from warta.schema import Document, Entity, Relation


def make_doc(spans: list[tuple[str, str]], relations: list[tuple[int, int, str]]) -> Document:
    """A document whose text is the spans joined by ' | ', entity ids T1..Tn in order."""
    text, entities, pos = "", [], 0
    for i, (label, span) in enumerate(spans, 1):
        if text:
            text += " | "
            pos = len(text)
        text += span
        entities.append(Entity(f"T{i}", label, pos, pos + len(span), span))
    rels = [Relation(f"T{h}", f"T{t}", label) for h, t, label in relations]
    return Document("doc", text, {"date": "2021-03-23"}, entities, rels)


def test_role_org_person():
    doc = make_doc(
        [("ROLE", "Kepala"), ("ORG", "BP2MI"), ("PER", "Benny Rhamdani")],
        [(3, 1, "HAS_ROLE"), (1, 2, "ROLE_OF")],
    )
    assert [o.to_dict() for o in build_officials(doc)] == [
        {
            "name": "Benny Rhamdani",
            "offices": ["Kepala"],
            "organization": "Badan Pelindungan Pekerja Migran Indonesia",
            "region": None,
            "mentions": ["T3"],
        }
    ]


def test_office_of_a_region():
    doc = make_doc(
        [("ROLE", "Wakil Gubernur"), ("LOC", "Lampung"), ("PER", "Chusnunia Chalim")],
        [(3, 1, "HAS_ROLE"), (1, 2, "ROLE_OF")],
    )
    (official,) = build_officials(doc)
    assert (official.name, official.offices, official.organization, official.region) == (
        "Chusnunia Chalim",
        ["Wakil Gubernur"],
        "Lampung",
        "Lampung",
    )


def test_regional_org_gives_region():
    doc = make_doc(
        [("ROLE", "Kapolres"), ("ORG", "Polres Dumai"), ("PER", "Andri Ananta")],
        [(3, 1, "HAS_ROLE"), (1, 2, "ROLE_OF")],
    )
    (official,) = build_officials(doc)
    assert (official.organization, official.region) == ("Kepolisian Resor Dumai", "Dumai")


def test_unknown_org_keeps_its_text():
    doc = make_doc(
        [("ROLE", "Ketua"), ("ORG", "Satgas"), ("PER", "Budi Santoso")],
        [(3, 1, "HAS_ROLE"), (1, 2, "ROLE_OF")],
    )
    assert build_officials(doc)[0].organization == "Satgas"


def test_member_of_without_office():
    doc = make_doc([("PER", "Isnawati"), ("ORG", "BP2MI")], [(1, 2, "MEMBER_OF")])
    (official,) = build_officials(doc)
    assert (official.offices, official.organization) == ([], "Badan Pelindungan Pekerja Migran Indonesia")


def test_person_without_relations_still_gets_a_record():
    doc = make_doc([("PER", "Budi")], [])
    assert build_officials(doc) == [Official(name="Budi", mentions=["T1"])]


def test_short_references_merge_into_the_full_name():
    doc = make_doc(
        [("ROLE", "Kepala"), ("ORG", "BP2MI"), ("PER", "Benny Rhamdani"), ("PER", "Benny"), ("PER", "Rhamdani")],
        [(3, 1, "HAS_ROLE"), (1, 2, "ROLE_OF")],
    )
    (official,) = build_officials(doc)
    assert (official.name, official.mentions) == ("Benny Rhamdani", ["T3", "T4", "T5"])


def test_short_reference_before_the_full_name_still_merges():
    doc = make_doc([("PER", "Benny"), ("PER", "Benny Rhamdani")], [])
    assert [(o.name, o.mentions) for o in build_officials(doc)] == [("Benny Rhamdani", ["T1", "T2"])]


def test_ambiguous_short_name_stays_separate():
    doc = make_doc([("PER", "Budi Santoso"), ("PER", "Budi Hartono"), ("PER", "Budi")], [])
    assert [o.name for o in build_officials(doc)] == ["Budi Santoso", "Budi Hartono", "Budi"]


def test_initials_stay_separate():
    doc = make_doc([("PER", "Rudi Santoso"), ("PER", "RS"), ("PER", "DW")], [])
    assert [o.name for o in build_officials(doc)] == ["Rudi Santoso", "RS", "DW"]


def test_offices_deduplicated_in_order_of_mention():
    doc = make_doc(
        [
            ("ROLE", "Menteri Dalam Negeri"),
            ("ROLE", "Mendagri"),
            ("PER", "Tito Karnavian"),
            ("ROLE", "menteri dalam negeri"),
            ("PER", "Tito Karnavian"),
        ],
        [(3, 1, "HAS_ROLE"), (3, 2, "HAS_ROLE"), (5, 4, "HAS_ROLE")],
    )
    (official,) = build_officials(doc)
    assert (official.offices, official.mentions) == (["Menteri Dalam Negeri", "Mendagri"], ["T3", "T5"])


def test_holderless_office_attaches_to_its_only_holder():
    doc = make_doc(
        [
            ("ROLE", "Kepala"),
            ("ORG", "BP2MI"),
            ("PER", "Benny Rhamdani"),
            ("ROLE", "Kepala"),
            ("ORG", "Badan Pelindungan Pekerja Migran Indonesia"),
        ],
        [(3, 1, "HAS_ROLE"), (1, 2, "ROLE_OF"), (4, 5, "ROLE_OF")],
    )
    (official,) = build_officials(doc)
    assert official.mentions == ["T3", "T4"]


def test_holderless_office_with_two_holders_is_left_alone():
    doc = make_doc(
        [
            ("ROLE", "Kepala"),
            ("ORG", "BP3MI Riau"),
            ("PER", "Fanny Thomas"),
            ("ROLE", "Kepala"),
            ("ORG", "BP3MI Riau"),
            ("PER", "Hanafi"),
            ("ROLE", "Kepala"),
            ("ORG", "BP3MI Riau"),
        ],
        [(3, 1, "HAS_ROLE"), (1, 2, "ROLE_OF"), (6, 4, "HAS_ROLE"), (4, 5, "ROLE_OF"), (7, 8, "ROLE_OF")],
    )
    assert [o.mentions for o in build_officials(doc)] == [["T3"], ["T6"]]


def test_holderless_office_of_another_org_is_not_attached():
    doc = make_doc(
        [("ROLE", "Kepala"), ("ORG", "BP2MI"), ("PER", "Benny Rhamdani"), ("ROLE", "Kepala"), ("ORG", "BNPB")],
        [(3, 1, "HAS_ROLE"), (1, 2, "ROLE_OF"), (4, 5, "ROLE_OF")],
    )
    assert build_officials(doc)[0].mentions == ["T3"]


def test_dangling_relation_ids_are_ignored():
    doc = make_doc([("PER", "Budi")], [(1, 9, "HAS_ROLE")])
    assert build_officials(doc)[0].offices == []
