"""Sentence splitting and tokenisation follow SCHEMA.md's sentence rule and keep offsets."""

from __future__ import annotations

import pytest

from warta.text import sentence_tokens, split_sentences, tokenize


def sents(text):
    out = split_sentences(text)
    for s in out:
        assert text[s.start:s.end] == s.text
    return [s.text for s in out]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Budi datang. Dia pulang.", ["Budi datang.", "Dia pulang."]),
        ("Dr. Andi hadir. Ia bicara.", ["Dr. Andi hadir.", "Ia bicara."]),
        ("Hadir pula H. Mahmud dan dr. Sinta.", ["Hadir pula H. Mahmud dan dr. Sinta."]),
        ("Lulusan S.H. Universitas Riau itu hadir.", ["Lulusan S.H. Universitas Riau itu hadir."]),
        ("Ahmad Rifai, M.Si. Kepala dinas hadir.", ["Ahmad Rifai, M.Si. Kepala dinas hadir."]),
        ("AKBP Budi Santoso, S.I.K. Dia memimpin.", ["AKBP Budi Santoso, S.I.K. Dia memimpin."]),
        ("Perda No. 5 Tahun 2020 berlaku.", ["Perda No. 5 Tahun 2020 berlaku."]),
        ("Warga Kab. Bogor dan Kec. Ciawi datang.", ["Warga Kab. Bogor dan Kec. Ciawi datang."]),
        ("Kantornya di Jl. Sudirman No. 4 Jakarta.", ["Kantornya di Jl. Sudirman No. 4 Jakarta."]),
        ("Irjen Pol. Andi memimpin. Kapolres hadir.", ["Irjen Pol. Andi memimpin.", "Kapolres hadir."]),
        ("Tersangka berinisial R. Hasan ditahan.", ["Tersangka berinisial R. Hasan ditahan."]),
        ("Nilainya Rp 4,5 miliar. Dana cair 23/3/2021.", ["Nilainya Rp 4,5 miliar.", "Dana cair 23/3/2021."]),
        ("Harga naik 2,5 persen. Itu kata BPS.", ["Harga naik 2,5 persen.", "Itu kata BPS."]),
        ('"Kami siap," kata Budi. "Semua aman."', ['"Kami siap," kata Budi.', '"Semua aman."']),
        ('"Kami siap!" kata Budi.', ['"Kami siap!" kata Budi.']),
        ('"Kami siap." Lalu ia pergi.', ['"Kami siap."', "Lalu ia pergi."]),
        ("Dia bertanya, apa itu? jawabnya pelan.", ["Dia bertanya, apa itu? jawabnya pelan."]),
        ("Ada tiga (3). Semua hadir.", ["Ada tiga (3).", "Semua hadir."]),
        ("Baris satu\nBaris dua", ["Baris satu", "Baris dua"]),
        ("Paragraf satu.\n\n  Paragraf dua.", ["Paragraf satu.", "Paragraf dua."]),
        ("Tahun 2021. 50 orang hadir.", ["Tahun 2021.", "50 orang hadir."]),
        ("Selesai.Tanpa spasi.", ["Selesai.Tanpa spasi."]),
        ("", []),
        ("   \n  ", []),
    ],
)
def test_sentences(text, expected):
    assert sents(text) == expected


def test_keep_together_merges_sentences_an_entity_crosses():
    text = "Buku Stephen R . Covey laris."
    assert len(split_sentences(text)) == 2
    (merged,) = split_sentences(text, keep_together=[(5, 22)])
    assert merged.text == text


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("Kepala BP2MI Benny", ["Kepala", "BP2MI", "Benny"]),
        ("Selasa (23/3/2021).", ["Selasa", "(", "23/3/2021", ")", "."]),
        ("Rp 4,5 miliar dan 1.200 orang", ["Rp", "4,5", "miliar", "dan", "1.200", "orang"]),
        ("Rp4,5 M", ["Rp", "4,5", "M"]),
        ("pukul 09.00 WITA", ["pukul", "09.00", "WITA"]),
        ("Soekarno-Hatta, kabupaten/kota", ["Soekarno", "-", "Hatta", ",", "kabupaten", "/", "kota"]),
        ("21% dan US$ 1,2 juta", ["21", "%", "dan", "US", "$", "1,2", "juta"]),
        ("“Kami,” ujarnya…", ["“", "Kami", ",", "”", "ujarnya", "…"]),
        ("Sulawesi Tenggara—Kendari", ["Sulawesi", "Tenggara", "—", "Kendari"]),
        # a web address is one token: the outlet in a dateline is one ORG
        ("JAKARTA, KOMPAS.com - Kepala", ["JAKARTA", ",", "KOMPAS.com", "-", "Kepala"]),
        ("Liputan6.com, Jakarta", ["Liputan6.com", ",", "Jakarta"]),
        ("laman www.bp2mi.go.id.", ["laman", "www.bp2mi.go.id", "."]),
        ("di Jakarta.Ia pun", ["di", "Jakarta", ".", "Ia", "pun"]),  # a missing space is not an address
        ("JAKARTA-KOMPAS.com -", ["JAKARTA", "-", "KOMPAS.com", "-"]),  # the place stays apart
        ("TEMPO.CO, Jakarta", ["TEMPO.CO", ",", "Jakarta"]),
    ],
)
def test_tokens(text, tokens):
    toks = tokenize(text)
    assert [t.text for t in toks] == tokens
    assert all(text[t.start:t.end] == t.text for t in toks)


def test_tokens_never_cross_a_word_boundary():
    text = "PT.Maju Jaya(Persero)Tbk, BP3MI-Riau 2.500ringgit, Liputan6.com-Jakarta"
    for t in tokenize(text):
        inner = t.text
        for a, b in zip(inner, inner[1:]):
            # a token joins only letters/digits, digits around a number separator, or an address's dots
            assert (a.isalnum() and b.isalnum()) or a.isdigit() or b.isdigit() or "." in (a, b), t.text


def test_annotations_inside_a_joined_token_still_get_whole_words():
    from warta.models.windows import document_words

    text = "Menurut Kompas.com, 23/3/2021 pagi."
    spans = [(8, 14), (20, 24)]  # "Kompas" alone, and "23/3" out of a date token
    words = document_words(text, spans)
    assert all(words.word_range(s, e) is not None for s, e in spans)
    assert [w.text for w in words.words][:6] == ["Menurut", "Kompas", ".com", ",", "23/3", "/2021"]


@pytest.mark.parametrize("outlet", ["Tribunnews.com", "jpnn.com", "viva.co.id"])
def test_a_web_address_ends_a_sentence_only_with_its_own_dot(outlet):
    assert [s.text for s in split_sentences(f"Sumber: {outlet}. Pemerintah menolak.")] == [
        f"Sumber: {outlet}.", "Pemerintah menolak."]


def test_sentence_tokens_offsets():
    text = "Budi datang.\nDia pulang ke Kota Dumai."
    pairs = sentence_tokens(text)
    assert [s.text for s, _ in pairs] == ["Budi datang.", "Dia pulang ke Kota Dumai."]
    for s, toks in pairs:
        assert all(s.start <= t.start < t.end <= s.end for t in toks)


def test_type_errors():
    with pytest.raises(TypeError):
        tokenize(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        split_sentences(None)  # type: ignore[arg-type]
