"""Which files are the subsystem: MAINTAINERS entries turned into git pathspecs.

This module owns the meaning of "the subsystem's files". It parses a Linux-kernel-style
`MAINTAINERS` file, selects entries by a regex on their names, and translates the selected
entries' `F:`, `X:` and `N:` lines into git pathspecs that select exactly the files that
`scripts/get_maintainer.pl` would assign to those entries. It is pure: callers pass the
file's text and the list of paths in the tree; nothing here runs git or reads files.

The reference semantics are get_maintainer.pl's, reproduced by `file_matches`:

- `F:`/`X:` patterns become regexes by escaping `.`, turning `*` into `.*` and `?` into
  `.`, and are matched at the start of the path only (so `F: foo.c` also covers
  `foo.c.orig`). A pattern without a trailing slash must also contain as many `/` as the
  path, which keeps its wildcards inside one path component; a pattern with a trailing
  slash has no such check, so its `*` may cross `/` (`arch/*/kvm/` covers
  `arch/x86/a/kvm/b.c`).
- A pattern without a trailing slash that names a directory of the tree gets one. Like
  get_maintainer.pl, the test is made on the already converted regex, so a pattern
  containing `.`, `*` or `?` is never taken for a directory.
- An entry's `X:` lines are tested before its `F:` lines, and only against that entry:
  a file one selected entry excludes is still covered by another selected entry that
  includes it.
- `N:` is a regex searched in the path, in Perl's `/x` (verbose) mode.

Other regex metacharacters in `F:`/`X:` (`[`, `+`, `(` ...) are regex syntax for
get_maintainer.pl too, so they are interpreted (with Python's `re`) rather than taken
literally. A pattern that has none of them is translated into `:(glob)` pathspecs that
hold for any commit of the history; everything git globs cannot say (such patterns,
`N:` regexes, and an `X:` that one entry applies and another contradicts) is resolved
against the given tree into `:(literal)` paths.

The pathspecs rely on git's own magic parser: do not run the git command that uses them
with `--literal-pathspecs` or `GIT_LITERAL_PATHSPECS`. `git ls-tree` rejects glob magic;
`git log`, `git diff-tree` and `git rev-list` honour it.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from kvmstatus.errors import COMMAND_LINE, Origin, UserError, quoted

DEFAULT_SUBSYSTEM: str = r"KERNEL VIRTUAL MACHINE|^KVM(?![A-Z])"
"""The entries that are KVM itself (matched case-insensitively by `select_entries`).

Every kernel KVM entry either contains "KERNEL VIRTUAL MACHINE" (the 2013 spellings
"(KVM) FOR AMD-V", "For Itanium (KVM/IA64)", "for s390 (KVM/s390)" as much as today's
"FOR ARM64 (KVM/arm64)") or starts with the word "KVM" ("KVM PARAVIRT (KVM/paravirt)",
"KVM X86 HYPER-V (KVM/hyper-v)"). "KVM" must be followed by a non-letter: a name that
merely begins with those letters, such as KVMTOOL, is a separate project built on KVM
(kvmtool is its own user-space repository), and counting it would mix another
project's code into KVM's numbers. Users who want it can pass their own regex.
"""

FIELD_LETTERS: frozenset[str] = frozenset("MRLSWQBCPTFXNK")
"""The field types MAINTAINERS uses; only F, X and N decide which files an entry covers."""

# get_maintainer.pl's field test, applied at column 0: indented `\tF: ...` lines in the
# preamble describe the format and are not fields.
_FIELD = re.compile(r"([A-Z]):\s*(.*)")
_UNDERLINE = re.compile(r"[-=]+")
# Characters that are regex syntax once get_maintainer.pl interpolates an F:/X: pattern,
# besides the `.`, `*` and `?` it converts itself. Patterns with none of them are plain
# shell-like globs that git's glob magic can express exactly.
_REGEX_SYNTAX = frozenset("\\^$|()[]{}+")
# A directory pattern's wildcards expand into alternatives (see `_directory_globs`); past
# this many, listing the tree's matching paths is both shorter and clearer.
_MAX_GLOB_ALTERNATIVES = 64


class MaintainersError(UserError):
    """A malformed line inside a selected MAINTAINERS entry: "SOURCE:LINE: what is wrong"."""

    def __init__(self, source: str, line: int, problem: str) -> None:
        super().__init__(f"{source}:{line}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class MaintainersEntry:
    """One MAINTAINERS section: its title and the lines that decide which files it covers.

    Malformed lines are recorded in `problems` as (line, message) instead of failing the
    parse: one bad line elsewhere in the kernel's 20,000-line file must not stop every
    user, while a bad line inside the entries being counted must (see `check_entries`).
    """

    name: str
    line: int
    files: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()
    source: str = "MAINTAINERS"


def parse_maintainers(text: str, source: str = "MAINTAINERS") -> tuple[MaintainersEntry, ...]:
    """All entries of a MAINTAINERS file, in file order; never raises for malformed lines.

    `source` names the file in error messages. A non-blank line at column 0 that is not a
    field, an underline (`---`, `===`) or a `#` comment starts a new entry; fields before
    the first title (the preamble) belong to no entry. Trailing whitespace, a CRLF file's
    carriage return included, is not part of any value: get_maintainer.pl would keep it
    in the pattern, which then matches no file.
    """
    sections: list[tuple[int, str, list[tuple[int, str, str]]]] = []
    # Perl's line reading splits on "\n" only; str.splitlines would also split on
    # form feeds and other separators that get_maintainer.pl keeps inside a line.
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        if not line or line[0].isspace():
            continue
        field = _FIELD.match(line)
        if field is not None:
            if sections:
                sections[-1][2].append((number, field.group(1), field.group(2)))
        elif not line.startswith("#") and not _UNDERLINE.fullmatch(line):
            sections.append((number, line.strip(), []))
    return tuple(_entry(source, line, name, fields) for line, name, fields in sections)


def select_entries(
    entries: Iterable[MaintainersEntry], name_regex: str, origin: Origin = COMMAND_LINE
) -> tuple[MaintainersEntry, ...]:
    """The entries whose name contains a match of `name_regex` (case-insensitive)."""
    try:
        compiled = re.compile(name_regex, re.IGNORECASE)
    except re.error as err:
        raise UserError(
            f"{origin.key('subsystem')} {quoted(name_regex)} is not a valid regex: {err}"
        ) from None
    return tuple(entry for entry in entries if compiled.search(entry.name))


def check_entries(entries: Iterable[MaintainersEntry]) -> None:
    """Raise `MaintainersError` for the first malformed line of any of `entries`."""
    found = sorted(
        (line, entry.source, problem) for entry in entries for line, problem in entry.problems
    )
    if found:
        line, source, problem = found[0]
        more = f" (and {len(found) - 1} more malformed lines)" if len(found) > 1 else ""
        raise MaintainersError(source, line, problem + more)


def tree_directories(tree_paths: Iterable[str]) -> frozenset[str]:
    """Every directory of a tree given as its file paths (what `-d` sees in a checkout)."""
    directories: set[str] = set()
    for path in tree_paths:
        slash = path.rfind("/")
        while slash > 0 and path[:slash] not in directories:
            directories.add(path[:slash])
            slash = path.rfind("/", 0, slash)
    return frozenset(directories)


def file_matches(
    path: str,
    entries: Iterable[MaintainersEntry],
    directories: AbstractSet[str] = frozenset(),
) -> bool:
    """Whether get_maintainer.pl assigns `path` to any of `entries`.

    `directories` are the tree's directories (see `tree_directories`): get_maintainer.pl
    treats a pattern naming one of them as if it ended in `/`. This is the reference the
    pathspecs of `entry_pathspecs` are tested against.
    """
    return any(matcher.covers(path) for matcher in _matchers(tuple(entries), directories))


def tree_prefixes(entries: Iterable[MaintainersEntry]) -> tuple[str, ...] | None:
    """Directories (ending in `/`) that hold every path the entries' patterns can match or
    take for a directory, or None when only the whole tree does (an `N:` regex, a pattern
    with regex syntax, or one whose wildcard comes before its first `/`).

    `entry_pathspecs` gives the same answer for the tree's paths under these directories as
    for the whole tree, so a caller lists only them (the kernel's tree has 80,000 files).
    """
    prefixes: set[str] = set()
    for entry in entries:
        if entry.regexes:
            return None
        for written in (*entry.files, *entry.excludes):
            if _REGEX_SYNTAX.intersection(written):
                return None
            literal = re.split(r"[*?]", written, maxsplit=1)[0]
            directory = literal[: literal.rfind("/") + 1]
            if not directory:
                return None
            prefixes.add(directory)
    # Drop a directory inside another listed one: its paths are listed already.
    return tuple(
        p for p in sorted(prefixes) if not any(p != q and p.startswith(q) for q in prefixes)
    )


def entry_pathspecs(
    entries: Iterable[MaintainersEntry], tree_paths: Collection[str]
) -> tuple[str, ...]:
    """Git pathspecs that select exactly the files of `tree_paths` the entries cover.

    The result is sorted and deduplicated. It is empty when the entries cover no file of
    the tree, so that callers never pass git a list of exclusions alone (which git would
    read as "everything but these"). Raises `MaintainersError` if an entry has a
    malformed line.
    """
    selected = tuple(entries)
    paths = sorted(set(tree_paths))
    matchers = _matchers(selected, tree_directories(paths))

    covered: set[str] = set()
    for matcher in matchers:
        covered |= matcher.covered(paths)
    if not covered:
        return ()

    specs: set[str] = set()
    by_globs: set[str] = set()
    for matcher in matchers:
        for pattern in matcher.files:
            if pattern.globs is not None:
                specs.update(f":(glob){glob}" for glob in pattern.globs)
                by_globs |= pattern.matching(paths)
    # N: regexes, and F: patterns git globs cannot express, only exist as tree paths.
    specs.update(f":(literal){path}" for path in covered - by_globs)

    # Git applies an exclusion to every pathspec, get_maintainer.pl only to the entry
    # that wrote it, so an X: pattern is kept as a glob only when it removes no covered
    # file; what the dropped ones should have removed is excluded path by path.
    excluded: set[str] = set()
    for matcher in matchers:
        for pattern in matcher.excludes:
            removed = pattern.matching(paths)
            if pattern.globs is not None and not removed & covered:
                specs.update(f":(exclude,glob){glob}" for glob in pattern.globs)
                excluded |= removed
    specs.update(f":(exclude,literal){path}" for path in by_globs - covered - excluded)
    return tuple(sorted(specs))


def _entry(
    source: str, line: int, name: str, fields: Iterable[tuple[int, str, str]]
) -> MaintainersEntry:
    values: dict[str, list[str]] = {"F": [], "X": [], "N": []}
    problems: list[tuple[int, str]] = []
    for number, letter, value in fields:
        problem = _field_problem(letter, value)
        if problem is not None:
            problems.append((number, problem))
        elif letter in values:
            values[letter].append(value)
    return MaintainersEntry(
        name=name,
        line=line,
        files=tuple(values["F"]),
        excludes=tuple(values["X"]),
        regexes=tuple(values["N"]),
        problems=tuple(problems),
        source=source,
    )


def _field_problem(letter: str, value: str) -> str | None:
    if letter not in FIELD_LETTERS:
        return f"unknown field type '{letter}:' (MAINTAINERS uses {''.join(sorted(FIELD_LETTERS))})"
    if letter in "FXN" and not value:
        return f"empty {letter}: line"
    if letter in "FX":
        if value.startswith("/"):
            return f"{letter}: pattern {value!r} is absolute; patterns start at the top of the tree"
        if ".." in value.split("/"):
            return f"{letter}: pattern {value!r} leaves the tree through '..'"
        try:
            _compile(_maintainer_regex(value))
        except re.error as err:
            return f"{letter}: pattern {value!r} is not a valid get_maintainer.pl pattern: {err}"
    if letter == "N":
        try:
            _compile(value, re.VERBOSE)
        except re.error as err:
            return f"N: regex {value!r} is invalid: {err}"
    return None


def _maintainer_regex(pattern: str) -> str:
    """get_maintainer.pl's conversion of an F:/X: pattern, substitution by substitution."""
    return pattern.replace(".", "\\.").replace("*", ".*").replace("?", ".")


@lru_cache(maxsize=4096)
def _compile(regex: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(regex, flags)


@dataclass(frozen=True)
class _FilePattern:
    """One F: or X: pattern, resolved against a tree's directories."""

    written: str
    regex: re.Pattern[str]
    # None for directory patterns, which get_maintainer.pl does not slash-count.
    slashes: int | None
    # The pattern as git globs (any of them matches), or None when globs cannot say it.
    globs: tuple[str, ...] | None
    # Every path the pattern matches starts with this; None when that is not known.
    prefix: str | None

    def matches(self, path: str) -> bool:
        if self.regex.match(path) is None:
            return False
        return self.slashes is None or path.count("/") == self.slashes

    def matching(self, sorted_paths: Sequence[str]) -> set[str]:
        return {path for path in _candidates(sorted_paths, self.prefix) if self.matches(path)}


@dataclass(frozen=True)
class _EntryMatcher:
    """One entry's patterns, compiled: get_maintainer.pl's per-section test."""

    files: tuple[_FilePattern, ...]
    excludes: tuple[_FilePattern, ...]
    regexes: tuple[re.Pattern[str], ...]

    def covers(self, path: str) -> bool:
        if any(pattern.matches(path) for pattern in self.excludes):
            return False
        return any(pattern.matches(path) for pattern in self.files) or any(
            regex.search(path) for regex in self.regexes
        )

    def covered(self, sorted_paths: Sequence[str]) -> set[str]:
        """The same test as `covers`, for a whole tree at once."""
        found: set[str] = set()
        for pattern in self.files:
            found |= pattern.matching(sorted_paths)
        for regex in self.regexes:
            found.update(path for path in sorted_paths if regex.search(path))
        for pattern in self.excludes:
            found -= pattern.matching(sorted_paths)
        return found


def _matchers(
    entries: Sequence[MaintainersEntry], directories: AbstractSet[str]
) -> tuple[_EntryMatcher, ...]:
    check_entries(entries)
    matchers: list[_EntryMatcher] = []
    for entry in entries:
        try:
            matchers.append(
                _EntryMatcher(
                    files=tuple(_file_pattern(p, directories) for p in entry.files),
                    excludes=tuple(_file_pattern(p, directories) for p in entry.excludes),
                    regexes=tuple(_compile(r, re.VERBOSE) for r in entry.regexes),
                )
            )
        except re.error as err:
            # Only entries built by hand get here: the parser records bad patterns.
            raise MaintainersError(entry.source, entry.line, f"invalid pattern: {err}") from None
    return tuple(matchers)


def _file_pattern(written: str, directories: AbstractSet[str]) -> _FilePattern:
    # get_maintainer.pl runs `-d` on the converted value, so "lib.d" (now "lib\\.d") is
    # never a directory; reproduced as is, since that is what its users see.
    value = _maintainer_regex(written)
    return _resolved_pattern(written, value.endswith("/") or value in directories)


@lru_cache(maxsize=4096)
def _resolved_pattern(written: str, is_directory: bool) -> _FilePattern:
    value = _maintainer_regex(written)
    if is_directory and not value.endswith("/"):
        value += "/"
    globs: tuple[str, ...] | None = None
    prefix: str | None = None
    if not _REGEX_SYNTAX.intersection(written):
        prefix = re.split(r"[*?]", written, maxsplit=1)[0]
        globs = _directory_globs(written) if is_directory else _file_globs(written)
    return _FilePattern(
        written=written,
        regex=re.compile(value),
        slashes=None if is_directory else value.count("/"),
        globs=globs,
        prefix=prefix,
    )


def _file_globs(written: str) -> tuple[str, ...]:
    """A pattern without trailing slash: its wildcards cannot cross `/` (equal slash
    counts), and the match is a prefix match, which a final `*` adds within the last
    component. Runs of `*` collapse first, as `.*.*` is `.*` and `**` is special to git."""
    glob = re.sub(r"\*+", "*", written)
    return _possible((glob if glob.endswith("*") else glob + "*",))


def _directory_globs(written: str) -> tuple[str, ...] | None:
    """A directory pattern, whose `.*` and `.` may match `/`, as alternative globs.

    In git's glob magic `*` and `?` stay inside a component and `/**/` matches zero or
    more whole directories, so the regex `.*` is `*` or `*/**/*`, and `.` is `?` or `/`.
    A `*` that is a whole component stands for one or more components: `*/**`.
    """
    collapsed = re.sub(r"\*+", "*", written)
    body = collapsed if collapsed.endswith("/") else collapsed + "/"
    choices: list[tuple[str, ...]] = []
    for index, char in enumerate(body):
        if char == "*":
            whole = (index == 0 or body[index - 1] == "/") and body[index + 1] == "/"
            choices.append(("*/**",) if whole else ("*", "*/**/*"))
        elif char == "?":
            choices.append(("?", "/"))
        else:
            choices.append((char,))
    if math.prod(len(choice) for choice in choices) > _MAX_GLOB_ALTERNATIVES:
        return None
    globs: set[str] = set()
    for combination in itertools.product(*choices):
        glob = "".join(combination) + "**"
        while "/**/**" in glob:
            glob = glob.replace("/**/**", "/**")
        globs.add(glob)
    return _possible(globs)


def _possible(globs: Iterable[str]) -> tuple[str, ...]:
    """The globs that can match a path at all, sorted.

    No path has an empty, `.` or `..` component, so get_maintainer.pl's regex cannot
    match where the glob has one (a `?` taken as `/` makes empty ones); and git would
    not take such a glob literally: it resolves `.` and `..` and rejects a leading `/`.
    """
    return tuple(
        sorted(
            glob for glob in globs if not any(part in ("", ".", "..") for part in glob.split("/"))
        )
    )


def _candidates(sorted_paths: Sequence[str], prefix: str | None) -> Iterator[str]:
    """The paths starting with `prefix`: a contiguous run of the sorted list."""
    if not prefix:
        yield from sorted_paths
        return
    for index in range(bisect.bisect_left(sorted_paths, prefix), len(sorted_paths)):
        if not sorted_paths[index].startswith(prefix):
            return
        yield sorted_paths[index]
