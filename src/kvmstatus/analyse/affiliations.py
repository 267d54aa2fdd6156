"""Dated email -> company affiliation, read from gitdm-compatible map files. Pure: no git.

This module owns the affiliation maps: parsing them, layering several of them, answering "which
company was this address with on this day" (`AffiliationMap.company`), and the two per-company
tables built from commit records (`commits_by_company`, `reviews_by_company`).

File formats (those of gitdm, so existing gitdm maps can be reused as they are):

- EmailMap: `[user@]domain  Employer Name  [< yyyy-mm-dd]` per line. Fields are separated by
  any whitespace; the employer may contain spaces (runs of whitespace in it count as one
  space); `< yyyy-mm-dd` means "until that day, exclusive". `#` starts a comment anywhere on
  a line, as in gitdm. The entries of one key (an address or a domain) form its timeline: the
  entry that applies on a day is the first, by end date, that ends after that day; at most one
  entry may be open-ended (no date) and it applies after all the dated ones. The employer
  `(Unknown)` is allowed and means unknown, which is how a timeline says "we do not know".
- EmailAliases: `alias@x  canonical@y` per line; an address is replaced by its canonical
  address (transitively) before it is looked up.
- GroupMap (referenced from gitdm.config as `GroupMap file Employer Name`): one address or
  domain per line, all undated and mapped to the employer named in the configuration line.
- gitdm.config: the directives `EmailMap file`, `EmailAliases file` and `GroupMap file
  Employer` are read, in order, with relative file names taken relative to the configuration
  file's directory; gitdm's other directives are accepted and ignored.

How a path given to `load_affiliations` is read: a directory must contain a `gitdm.config`; a
file whose name ends in `.config` is a gitdm configuration; a file whose name contains `alias`
(`aliases`, `EmailAliases`, ...) is an EmailAliases file; any other file is an EmailMap file.

Resolution (`AffiliationMap.company`): aliases first, then an entry for the whole address,
then the longest domain suffix that has entries, matched on label boundaries (`us.ibm.com`
beats `ibm.com`; `notibm.com` never matches `ibm.com`). Anything unmapped is `UNKNOWN`. The
day asked about is the date part of the datetime as given, which for commit dates is the
author's own local date, the one `git log --date=short` shows. A key whose dated entries
have all ended by the day asked about, with no open-ended entry, is a mistake in the map:
`AffiliationError` names the file and line of its last entry.

Layering: files are layers, later ones win per key. A later file that has entries for an
address or domain replaces that key's whole timeline from earlier files (timelines are never
merged across files, which would make a user's correction depend on the shipped entries);
keys it does not mention keep their earlier timelines, and the same holds for aliases.

The shipped map lives in `kvmstatus/data/affiliations/` as data (a gitdm.config, an EmailMap,
a GroupMap of personal and shared mail domains mapped to `(Unknown)`, and an EmailAliases
file); it is always the first layer unless `include_default=False`.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType

from kvmstatus.errors import UserError
from kvmstatus.model.records import CommitRecord
from kvmstatus.shared.labels import UNKNOWN
from kvmstatus.shared.numbers import by_count
from kvmstatus.shared.shipped import shipped

CONFIG_NAME = "gitdm.config"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Labels are kept permissive (anything but whitespace, '@', '<', '>' and dots) because real
# gitdm maps contain underscores and internationalised names; only the structure is checked.
_LABEL = r"[^\s@<>.]+"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_LOCAL = re.compile(r"[^\s@<>]+")


class AffiliationError(UserError):
    """A mistake in an affiliation map file, reported as `file:line: what is wrong`."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One EmailMap line: `employer` until `end` (exclusive), or open-ended when `end` is None."""

    employer: str
    end: date | None
    source: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True, slots=True)
class Timeline:
    """All entries of one key (an address or a domain) from one file, ordered for bisecting.

    `entries` holds the dated entries by end date, then the open-ended entry if there is one.
    """

    key: str
    entries: tuple[Entry, ...]
    # Ordinals of the dated entries' end dates, so that `entry_on` is one bisect.
    _ends: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ends = tuple(e.end.toordinal() for e in self.entries if e.end is not None)
        object.__setattr__(self, "_ends", ends)

    @property
    def open_ended(self) -> Entry | None:
        last = self.entries[-1]
        return last if last.end is None else None

    def entry_on(self, day: date, asked: str | None = None) -> Entry:
        """The entry that applies on `day`; an entry ending exactly on `day` no longer does."""
        index = bisect_right(self._ends, day.toordinal())
        if index < len(self.entries):
            return self.entries[index]
        last = self.entries[-1]
        who = self.key if asked is None or asked == self.key else f"{asked} (via {self.key})"
        raise AffiliationError(
            f"{last.where}: {self.key} has no affiliation on or after {last.end}, the end of "
            f"its last entry (asked about {who} on {day}; add an open-ended entry)"
        )


@dataclass(frozen=True, slots=True)
class EmailMapFile:
    """One parsed EmailMap (or GroupMap) file: a timeline per key, sorted by key."""

    source: str
    timelines: tuple[Timeline, ...]


@dataclass(frozen=True, slots=True)
class Alias:
    alias: str
    canonical: str
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class AliasFile:
    """One parsed EmailAliases file."""

    source: str
    aliases: tuple[Alias, ...]


Layer = EmailMapFile | AliasFile


def _lines(text: str) -> Iterable[tuple[int, str]]:
    """(line number, content without comment and surrounding blanks) of every non-empty line.

    Split on "\\n" only: `str.splitlines` also splits on form feeds and Unicode separators,
    which would make the reported line numbers disagree with editors and `grep -n`.
    """
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            yield number, line


def _check_key(key: str, where: str) -> str:
    key = key.lower()
    local, at, domain = key.rpartition("@")
    if (at and not _LOCAL.fullmatch(local)) or not _DOMAIN.fullmatch(domain):
        raise AffiliationError(f"{where}: {key!r} is not an email address or a mail domain")
    return key


def _check_address(address: str, where: str) -> str:
    key = _check_key(address, where)
    if "@" not in key:
        raise AffiliationError(f"{where}: {address!r} is not an email address (user@domain)")
    return key


def _timelines(found: Mapping[str, list[Entry]]) -> tuple[Timeline, ...]:
    def order(entry: Entry) -> tuple[int, date]:
        return (1, date.max) if entry.end is None else (0, entry.end)

    return tuple(
        Timeline(key, tuple(sorted(entries, key=order))) for key, entries in sorted(found.items())
    )


def _add_entry(found: dict[str, list[Entry]], key: str, new: Entry) -> None:
    """Add `new` to its key's entries: an exact repeat is harmless, a conflicting one is not."""
    entries = found.setdefault(key, [])
    for old in entries:
        if old.end != new.end:
            continue
        if old.employer == new.employer:
            return
        when = "an open-ended entry" if new.end is None else f"an entry ending {new.end}"
        raise AffiliationError(
            f"{new.where}: {key} already has {when} ({old.employer!r}, line {old.line}); "
            f"one key can have one open-ended entry and one entry per end date"
        )
    entries.append(new)


def parse_email_map(text: str, source: str) -> EmailMapFile:
    """An EmailMap file's text; `source` names the file in error messages."""
    found: dict[str, list[Entry]] = {}
    for number, line in _lines(text):
        where = f"{source}:{number}"
        key, *rest = line.split(None, 1)
        employer, lt, until = (rest[0] if rest else "").partition("<")
        employer = " ".join(employer.split())
        if not employer or "<" in until:
            raise AffiliationError(
                f"{where}: expected '[user@]domain  Employer Name  [< yyyy-mm-dd]', got {line!r}"
            )
        end: date | None = None
        if lt:
            until = until.strip()
            try:
                if not _DATE.fullmatch(until):
                    raise ValueError(until)
                end = date.fromisoformat(until)
            except ValueError:
                raise AffiliationError(
                    f"{where}: bad end date {until!r} (expected '< yyyy-mm-dd', e.g. < 2020-01-31)"
                ) from None
        _add_entry(found, _check_key(key, where), Entry(employer, end, source, number))
    return EmailMapFile(source, _timelines(found))


def parse_group_map(text: str, source: str, employer: str) -> EmailMapFile:
    """A gitdm GroupMap file: every listed address or domain belongs to `employer`."""
    found: dict[str, list[Entry]] = {}
    for number, line in _lines(text):
        where = f"{source}:{number}"
        if len(line.split()) != 1:
            raise AffiliationError(
                f"{where}: a group file lists one address or domain per line, got {line!r}"
            )
        _add_entry(found, _check_key(line, where), Entry(employer, None, source, number))
    return EmailMapFile(source, _timelines(found))


def parse_aliases(text: str, source: str) -> AliasFile:
    """An EmailAliases file's text; `source` names the file in error messages."""
    seen: dict[str, Alias] = {}
    for number, line in _lines(text):
        where = f"{source}:{number}"
        fields = line.split()
        if len(fields) != 2:
            raise AffiliationError(
                f"{where}: expected 'alias@domain  canonical@domain', got {line!r}"
            )
        alias, canonical = (_check_address(f, where) for f in fields)
        if alias == canonical:
            raise AffiliationError(f"{where}: {alias} is given as an alias of itself")
        old = seen.get(alias)
        if old is not None and old.canonical != canonical:
            raise AffiliationError(
                f"{where}: {alias} is already an alias of {old.canonical} (line {old.line})"
            )
        seen.setdefault(alias, Alias(alias, canonical, source, number))
    return AliasFile(source, tuple(seen[a] for a in sorted(seen)))


def _read_text(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AffiliationError(f"{where}: no such file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AffiliationError(f"{where}: cannot read {path}: {exc}") from None


def _read_config(base: Path, config: Path) -> list[Layer]:
    """The layers a gitdm.config names, in its order; relative names are relative to `base`."""
    source = str(config)
    layers: list[Layer] = []
    for number, line in _lines(_read_text(config, source)):
        where = f"{source}:{number}"
        directive, *args = line.split(None, 2)
        if directive not in ("EmailMap", "EmailAliases", "GroupMap"):
            # gitdm's other directives (FileMap, VirtualEmployer, CSVPrefix, ...) concern
            # things other than affiliations; accepting them lets a gitdm setup be reused.
            continue
        if not args or (directive == "GroupMap") != (len(args) == 2):
            usage = (
                "GroupMap file Employer Name" if directive == "GroupMap" else f"{directive} file"
            )
            raise AffiliationError(f"{where}: expected '{usage}', got {line!r}")
        target = base.joinpath(args[0])
        text = _read_text(target, where)
        if directive == "EmailMap":
            layers.append(parse_email_map(text, str(target)))
        elif directive == "EmailAliases":
            layers.append(parse_aliases(text, str(target)))
        else:
            layers.append(parse_group_map(text, str(target), " ".join(args[1].split())))
    return layers


def read_layers(path: Path) -> list[Layer]:
    """The layers of one user-given path, by the naming rules of the module docstring."""
    if path.is_dir():
        config = path / CONFIG_NAME
        if not config.is_file():
            raise AffiliationError(f"{path}: an affiliation directory needs a {CONFIG_NAME}")
        return _read_config(path, config)
    if not path.exists():
        raise AffiliationError(f"affiliation map: no such file {path}")
    name = path.name.lower()
    if name.endswith(".config"):
        return _read_config(path.parent, path)
    text = _read_text(path, "affiliation map")
    if "alias" in name:
        return [parse_aliases(text, str(path))]
    return [parse_email_map(text, str(path))]


def default_layers() -> list[Layer]:
    """The shipped map (`data/affiliations`)."""
    base = shipped("affiliations")
    return _read_config(base, base.joinpath(CONFIG_NAME))


@dataclass(frozen=True)
class AffiliationMap:
    """The merged layers, immutable. Equality and hash go by `digest` alone.

    `digest` is the sha256 of the effective content (timelines and aliases after layering,
    without file names and line numbers), so it is a sound cache key for anything computed
    from companies: two maps with equal digests give every address the same company.
    """

    digest: str
    addresses: Mapping[str, Timeline] = field(compare=False, repr=False)
    domains: Mapping[str, Timeline] = field(compare=False, repr=False)
    aliases: Mapping[str, str] = field(compare=False, repr=False)
    sources: tuple[str, ...] = field(compare=False)
    # Resolved timeline per address as asked; kernel histories repeat a few thousand
    # addresses across 100k commits, so resolving each one once keeps lookups to a bisect.
    _resolved: dict[str, tuple[str, Timeline | None]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @classmethod
    def from_layers(cls, layers: Sequence[Layer]) -> AffiliationMap:
        timelines: dict[str, Timeline] = {}
        alias_lines: dict[str, Alias] = {}
        for layer in layers:
            if isinstance(layer, EmailMapFile):
                timelines.update((t.key, t) for t in layer.timelines)
            else:
                alias_lines.update((a.alias, a) for a in layer.aliases)
        aliases = {alias: _canonical(alias, alias_lines) for alias in sorted(alias_lines)}
        content = {
            "timelines": {
                key: [[e.employer, None if e.end is None else e.end.isoformat()] for e in t.entries]
                for key, t in sorted(timelines.items())
            },
            "aliases": aliases,
        }
        digest = hashlib.sha256(
            json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        return cls(
            digest=digest,
            addresses=MappingProxyType({k: t for k, t in timelines.items() if "@" in k}),
            domains=MappingProxyType({k: t for k, t in timelines.items() if "@" not in k}),
            aliases=MappingProxyType(aliases),
            sources=tuple(layer.source for layer in layers),
        )

    def timeline_of(self, email: str) -> tuple[str, Timeline | None]:
        """The canonical address for `email` and the timeline that governs it (None: unmapped)."""
        cached = self._resolved.get(email)
        if cached is not None:
            return cached
        address = email.strip().lower()
        address = self.aliases.get(address, address)
        timeline = self.addresses.get(address)
        if timeline is None and "@" in address:
            labels = address.rpartition("@")[2].split(".")
            # Longest suffix first, one whole label at a time, so `notibm.com` can only ever
            # be compared with `notibm.com` and `com`, never with `ibm.com`.
            for start in range(len(labels)):
                timeline = self.domains.get(".".join(labels[start:]))
                if timeline is not None:
                    break
        resolved = (address, timeline)
        self._resolved[email] = resolved
        return resolved

    def entry_for(self, email: str, when: date | datetime) -> Entry | None:
        """The map entry that decides `email`'s company on `when` (None: unmapped)."""
        address, timeline = self.timeline_of(email)
        if timeline is None:
            return None
        # datetime is a subclass of date, so it has to be tested first.
        day = when.date() if isinstance(when, datetime) else when
        return timeline.entry_on(day, address)

    def company(self, email: str, when: date | datetime) -> str:
        """The employer of `email` on the day of `when`, or `UNKNOWN`."""
        entry = self.entry_for(email, when)
        return UNKNOWN if entry is None else entry.employer


def _canonical(alias: str, lines: Mapping[str, Alias]) -> str:
    """Follow `alias` to the end of its chain; a cycle is a mistake in the alias files."""
    chain = [alias]
    target = lines[alias].canonical
    while target in lines:
        if target in chain:
            first = lines[alias]
            loop = " -> ".join([*chain[chain.index(target) :], target])
            raise AffiliationError(f"{first.source}:{first.line}: aliases form a cycle: {loop}")
        chain.append(target)
        target = lines[target].canonical
    return target


def load_affiliations(
    paths: Sequence[Path] = (), *, include_default: bool = True
) -> AffiliationMap:
    """The shipped map (unless `include_default` is False) overlaid with `paths`, in order."""
    layers = default_layers() if include_default else []
    for path in paths:
        layers.extend(read_layers(Path(path)))
    return AffiliationMap.from_layers(layers)


def commits_by_company(
    records: Iterable[CommitRecord], amap: AffiliationMap
) -> list[tuple[str, int]]:
    """Non-merge commits per author company at the author date, by count then name."""
    counts = Counter(amap.company(r.author.email, r.author_date) for r in records if not r.is_merge)
    return by_count(counts)


def reviews_by_company(
    records: Iterable[CommitRecord], amap: AffiliationMap
) -> list[tuple[str, int]]:
    """Reviewed-by trailers of non-merge commits per reviewer company at the author date.

    A reviewer named twice on one commit counts once: a repeated trailer is a patch-handling
    accident, not a second review.
    """
    counts: Counter[str] = Counter()
    for record in records:
        reviews = record.trailers_of("Reviewed-by")
        if not reviews or record.is_merge:
            continue
        for key in {t.person.key for t in reviews if t.person is not None}:
            counts[amap.company(key, record.author_date)] += 1
    return by_count(counts)


def unknown_share(rows: Iterable[tuple[str, int]]) -> float:
    """The share of the counted total that is `UNKNOWN`; 0.0 for an empty table."""
    total = unknown = 0
    for company, count in rows:
        total += count
        if company == UNKNOWN:
            unknown += count
    return unknown / total if total else 0.0
