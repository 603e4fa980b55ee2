"""Vietnamese text: NFC normalisation, diacritic folding and name sorting."""

import unicodedata

# The Vietnamese alphabet in order. Letters with a vowel modifier (ă â ê ô ơ
# ư) and đ are letters of their own; tone marks only break ties.
ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


def normalize_text(value: str | None) -> str:
    """NFC, trimmed, inner whitespace collapsed to single spaces."""
    if not value:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def fold(value: str | None) -> str:
    """Lower-case and without diacritics: "Đăng ký" -> "dang ky"."""
    decomposed = unicodedata.normalize("NFD", normalize_text(value).lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d")


def _word_key(word: str) -> tuple[str, str]:
    """(primary, tones) for one word, both comparable as plain strings."""
    primary: list[str] = []
    tones: list[str] = []
    for char in unicodedata.normalize("NFC", word.lower()):
        parts = unicodedata.normalize("NFD", char)
        base = "".join(p for p in parts if p not in _TONES)
        letter = unicodedata.normalize("NFC", base)
        tone = next((_TONES[p] for p in parts if p in _TONES), 0)
        rank = _LETTER_RANK.get(letter)
        if rank is None:
            # Foreign letters (f, j, w, z) and digits sort by code point after
            # the Vietnamese ones.
            primary.append(chr(0x100 + ord(letter[:1] or " ")))
        else:
            primary.append(chr(0x41 + rank))
        tones.append(str(tone))
    return "".join(primary), "".join(tones)


def name_sort_key(full_name: str) -> str:
    """Key ordering names the Vietnamese way.

    Given name (the last word) first, then family name (the first word), then
    the middle names; "Đ" right after "D"; tone marks only break ties.
    """
    words = normalize_text(full_name).split(" ")
    if not words or words == [""]:
        return ""
    ordered = [words[-1]] + (words[:1] if len(words) > 1 else []) + words[1:-1]
    keys = [_word_key(w) for w in ordered]
    # A space sorts before every mapped letter, so "An" < "Anh".
    return " ".join(k[0] for k in keys) + "\x20\x20" + " ".join(k[1] for k in keys)


def search_words(query: str | None, *, limit: int = 10) -> list[str]:
    """The folded words of a search query, each once, in order."""
    return list(dict.fromkeys(fold(query).split()))[:limit]


def name_match_key(value: str | None) -> str:
    """Key under which two spellings name the same thing.

    NFC, whitespace collapsed and case ignored; diacritics still count
    ("huyện Xuân Lộc" = "Huyện Xuân Lộc" ≠ "huyen Xuan Loc").
    """
    return normalize_text(value).casefold()


def initials(full_name: str | None) -> str:
    """ "Nguyễn Văn An" → "N.V.A.": what an anonymised record keeps of a name."""
    return "".join(f"{word[0].upper()}." for word in normalize_text(full_name).split())
