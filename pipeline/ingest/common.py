"""What every reader shares: checked line streaming, Paper ids, arXiv ids, dates, code links.

Files are read as bytes and decoded line by line, so that one line of invalid UTF-8
costs one record (reported as a `Skipped`) rather than the whole file, and so that no
reader ever holds a whole input in memory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import InputError
from pipeline.records import Paper, Skipped

SNIFF_BYTES = 64 * 1024


# -- files and lines ---------------------------------------------------------------------


def check_file(path: Path) -> bytes:
    """Raise InputError unless `path` is a readable, non-empty text file; return its head."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise InputError(path, "no such file or folder") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, expected a file") from None
    except PermissionError:
        raise InputError(path, "cannot be read (permission denied)") from None
    except OSError as err:
        raise InputError(path, f"cannot be read ({err.strerror or err})") from None
    if not head:
        raise InputError(path, "empty file")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "is UTF-16 text; save it as UTF-8")
    if head.startswith(b"\x1f\x8b"):
        raise InputError(path, "is gzip-compressed; decompress it first")
    if b"\x00" in head or _control_share(head) > 0.1:
        raise InputError(path, "is a binary file, not text")
    lines = [line for line in head.splitlines() if line.strip()]
    if not lines:
        raise InputError(path, "empty file (only whitespace)")
    # A file cut mid-character at SNIFF_BYTES would fail on its last line only.
    whole = lines if len(head) < SNIFF_BYTES else lines[:-1] or lines
    bad = [line for line in whole if not _decodes(line)]
    if len(bad) == len(whole):
        raise InputError(path, f"is not UTF-8 text ({_first_bad_byte(bad[0])})")
    return head


def _control_share(head: bytes) -> float:
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head)


def _decodes(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _first_bad_byte(line: bytes) -> str:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"invalid byte 0x{line[err.start]:02x} at column {err.start + 1}"
    return "invalid UTF-8"


def read_lines(path: Path) -> Iterator[tuple[int, str] | Skipped]:
    """Stream (1-based line number, text without line ending); bad UTF-8 lines as Skipped."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # the UTF-8 byte order mark some editors write
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield Skipped(
                    str(path), number,
                    f"invalid UTF-8 (byte 0x{raw[err.start]:02x} at column {err.start + 1}); "
                    "line skipped",
                )
                continue
            yield number, text.rstrip("\r\n")


# -- papers ------------------------------------------------------------------------------


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (line breaks included) into one space."""
    return " ".join(text.split())


def hash_id(abstract: str) -> str:
    """The id of an abstract without an arXiv id: stable under whitespace changes."""
    digest = hashlib.sha1(normalise_space(abstract).encode("utf-8")).hexdigest()
    return "h-" + digest[:12]


def make_paper(abstract: str, *, source: Path | str, position: int, **meta: object) -> Paper:
    """A Paper whose id is its arXiv id when known, else the hash of its abstract."""
    arxiv_id = meta.get("arxiv_id")
    if meta.get("date") is None and isinstance(arxiv_id, str):
        meta["date"] = date_from_arxiv_id(arxiv_id)
    if meta.get("code_url") is None:
        meta["code_url"] = find_code_url(abstract)
    paper_id = arxiv_id if isinstance(arxiv_id, str) else hash_id(abstract)
    return Paper(id=paper_id, abstract=abstract, source=str(source), position=position, **meta)  # type: ignore[arg-type]


def drop_duplicates(records: Iterator[Paper | Skipped]) -> Iterator[Paper | Skipped]:
    """Pass records through, turning a second Paper with an id already seen into a Skipped."""
    seen: dict[str, tuple[str, int]] = {}
    for record in records:
        if isinstance(record, Paper):
            first = seen.get(record.id)
            if first is not None:
                where = first[0] if first[0] != record.source else "this file"
                yield Skipped(
                    record.source, None,
                    f"record {record.position + 1} repeats paper {record.id} "
                    f"(record {first[1] + 1} of {where}); skipped",
                )
                continue
            seen[record.id] = (record.source, record.position)
        yield record


# -- arXiv ids -----------------------------------------------------------------------------

# New-style ids: YYMM.NNNN until 2014, YYMM.NNNNN from 2015; old-style archive/YYMMNNN.
_NEW_ID = r"(?P<yymm>\d{2}(?:0[1-9]|1[0-2]))\.(?P<num>\d{4,5})(?:v\d+)?"
_OLD_ID = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
ARXIV_ID = re.compile(rf"(?:{_NEW_ID}|{_OLD_ID})")
_ARXIV_ID_FULL = re.compile(rf"(?:arXiv:)?({_NEW_ID}|{_OLD_ID})", re.IGNORECASE)


def parse_arxiv_id(text: str) -> str | None:
    """The canonical arXiv id (no version) if `text` is exactly an arXiv id, else None."""
    match = _ARXIV_ID_FULL.fullmatch(text.strip())
    if not match:
        return None
    yymm, num = match.group("yymm"), match.group("num")
    if yymm is not None and len(num) != (5 if int(yymm) >= 1501 else 4):
        return None
    return re.sub(r"v\d+$", "", match.group(1))


def date_from_arxiv_id(arxiv_id: str) -> str | None:
    """YYYY-MM of first submission, which every arXiv id encodes."""
    match = re.search(r"(\d{2})(\d{2})[.\d]", arxiv_id.split("/")[-1])
    if not match:
        return None
    yy, mm = int(match.group(1)), int(match.group(2))
    if not 1 <= mm <= 12:
        return None
    year = 1900 + yy if yy >= 91 else 2000 + yy  # arXiv started in August 1991
    return f"{year:04d}-{mm:02d}"


# -- dates ---------------------------------------------------------------------------------

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# "Apr 19, 2021", "May 28", "Oct 11, 2024 3" (a trailing count is the page's upvotes,
# never a year: the listing always writes the year after a comma).
LISTING_DATE = re.compile(
    r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<count>\d+))?",
    re.IGNORECASE,
)


def parse_listing_date(line: str) -> tuple[bool, str | None]:
    """(is the line a date, ISO date or None when the year is not given)."""
    match = LISTING_DATE.fullmatch(line.strip())
    if not match:
        return False, None
    month = MONTHS[match.group("month")[:3].lower()]
    day = int(match.group("day"))
    if not 1 <= day <= 31:
        return False, None
    if match.group("year") is None:
        return True, None  # "May 28": the year is not on the page, so no date is claimed
    return True, f"{int(match.group('year')):04d}-{month:02d}-{day:02d}"


_RFC_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_any_date(value: object) -> str | None:
    """ISO date from "2023-05-24", "2023-05", "2023", "Mon, 2 Apr 2007 19:18:42 GMT", "Apr 2, 2007"."""
    if isinstance(value, int) and 1000 <= value <= 9999:
        return f"{value:04d}"
    if not isinstance(value, str):
        return None
    text = value.strip()
    iso = _ISO_DATE.match(text)
    if iso and (len(text) == iso.end() or not text[iso.end()].isdigit()):
        year, month, day = iso.groups()
        if month and not 1 <= int(month) <= 12:
            return None
        return "-".join(part for part in (year, month, day) if part)
    rfc = _RFC_DATE.search(text)
    if rfc and rfc.group(2)[:3].lower() in MONTHS:
        month = MONTHS[rfc.group(2)[:3].lower()]
        return f"{rfc.group(3)}-{month:02d}-{int(rfc.group(1)):02d}"
    is_date, iso_date = parse_listing_date(text)
    return iso_date if is_date else None


# -- code links ----------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"'{}\\]+")
_CODE_HOSTS = re.compile(
    r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|gitee\.com"
    r"|huggingface\.co|sourceforge\.net|[\w-]+\.github\.io)(?:/|$)",
    re.IGNORECASE,
)
_CODE_WORDS = re.compile(
    r"\b(?:code|codes|source|implementation|implementations|repository|repo|software"
    r"|toolkit|library|github|gitlab)\b",
    re.IGNORECASE,
)


def clean_url(url: str) -> str:
    """Trim the punctuation a sentence glues to a URL ("... at https://x.y/z.")."""
    url = url.rstrip(".,;:!?'\"")
    while url.endswith((")", "]")) and url.count("(") < url.count(")") + (url[-1] == "]"):
        url = url[:-1].rstrip(".,;:!?")
    return url


def find_code_url(text: str | None) -> str | None:
    """The first link to code: on a code host, or introduced by words such as "Code:"."""
    if not text:
        return None
    for match in _URL.finditer(text):
        url = clean_url(match.group())
        if _CODE_HOSTS.match(url):
            return url
        clause = re.split(r"[.!?]\s", text[max(0, match.start() - 120) : match.start()])[-1]
        if _CODE_WORDS.search(clause):
            return url
    return None


def split_code_phrase(line: str) -> tuple[str | None, str]:
    """A comment line's code link, and what the line says besides it (the venue part)."""
    url = find_code_url(line)
    if url is None:
        return None, line.strip()
    rest = line.replace(url, " ")
    rest = re.sub(
        r"(?i)\b(?:the\s+)?(?:source\s+)?(?:code|codes|implementation|project page)\b"
        r"(?:\s+(?:is|are|will be|has been|have been))?(?:\s+(?:made\s+)?(?:publicly\s+)?"
        r"(?:available|released|open[- ]sourced))?(?:\s+(?:at|on|in|from|here))?\s*:?",
        " ", rest,
    )
    rest = re.sub(r"\\url\{\s*\}|\(\s*\)|\[\s*\]", " ", rest)
    return url, normalise_space(rest).strip(" .;,:-")
