"""The trailer registry: which commit-message keys the report knows, and where each shows up.

The trailers the report knows are one registry, `TRAILERS`, matched case-insensitively, so
`Co-Developed-by` and `co-developed-by` are the same key while `Singed-off-by` or
`Co-authored-by` are not tracked. Adding a trailer to the report is one line here: the parser
(`kvmstatus.mine.trailers`), the window tables, the per-window row, the people lists, the
headline tables, the charts and the list's review all read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TrailerKind:
    """One trailer key the report knows, and everywhere it shows up.

    Adding a trailer to the report is one line in `TRAILERS`: the parser, the window tables,
    the per-window row, the people lists, the headline tables and the charts all read it.
    """

    key: str
    """The canonical spelling; lines match it case-insensitively."""
    label: str = ""
    """How pages name it (default: the key)."""
    person: bool = False
    """Values name people (`Name <email>`): parsed, mailmapped, malformed when they do not."""
    reported: bool = True
    """Counted in every window's trailer table (commits carrying it, distinct lines)."""
    row: str | None = None
    """The name of its columns in the per-window row (`NAME_commits`, `NAME_share`)."""
    people: str | None = None
    """The ranked list of the people it names: `top_NAME` in the documents, a table on the
    People and release pages."""
    headline: bool = False
    """In the headline comparisons: the home page, `kvmstatus year`, `kvmstatus history`."""
    charted: bool = False
    """A line on the Trends page's trailer chart."""
    derived: bool = False
    """Not a key of its own: made from another key's lines (Cc-stable from Cc)."""
    on_list: bool = False
    """Also counted when given in a reply on a mailing list (`Reviewed-by:` in a review),
    next to the commits' own: the list's tags (`LIST_TAGS`)."""

    @property
    def title(self) -> str:
        return self.label or self.key


CC_STABLE = "Cc-stable"
"""A derived key: a `Cc:` naming the stable list, counted on its own as the report does."""

TRAILERS: tuple[TrailerKind, ...] = (
    TrailerKind("Signed-off-by", person=True, reported=False),
    TrailerKind(
        "Reviewed-by",
        person=True,
        row="reviewed",
        people="reviewers",
        headline=True,
        charted=True,
        on_list=True,
    ),
    TrailerKind(
        "Acked-by",
        person=True,
        row="acked",
        people="ackers",
        headline=True,
        charted=True,
        on_list=True,
    ),
    TrailerKind(
        "Tested-by", person=True, row="tested", people="testers", charted=True, on_list=True
    ),
    TrailerKind("Reported-by", person=True, row="reported"),
    TrailerKind("Suggested-by", person=True, row="suggested"),
    TrailerKind("Co-developed-by", person=True, row="co_developed"),
    TrailerKind("Fixes", label="Fixes:", row="fixes", headline=True, charted=True),
    TrailerKind("Link"),
    TrailerKind("Closes"),
    TrailerKind("Cc", person=True, reported=False),
    TrailerKind(
        CC_STABLE, label="Cc: stable", person=True, row="cc_stable", headline=True, derived=True
    ),
)
"""Every trailer the report knows, in the order tables show them."""

TRACKED_KEYS: tuple[str, ...] = tuple(k.key for k in TRAILERS if not k.derived)
"""The keys the parser reads from commit messages."""
PERSON_KEYS: frozenset[str] = frozenset(k.key for k in TRAILERS if k.person and not k.derived)
REPORTED_TRAILERS: tuple[str, ...] = tuple(k.key for k in TRAILERS if k.reported)
"""The keys of every window's trailer table, in table order."""
ROW_TRAILERS: tuple[TrailerKind, ...] = tuple(k for k in TRAILERS if k.row)
PEOPLE_TRAILERS: tuple[TrailerKind, ...] = tuple(k for k in TRAILERS if k.people)
HEADLINE_TRAILERS: tuple[TrailerKind, ...] = tuple(k for k in TRAILERS if k.headline)
CHARTED_TRAILERS: tuple[TrailerKind, ...] = tuple(k for k in TRAILERS if k.charted)

LIST_TAGS: tuple[str, ...] = tuple(k.key for k in TRAILERS if k.on_list)
"""The tags a review on a mailing list gives (`Reviewed-by:` in a reply), in table order."""
