"""Ranked full-text search over the search documents of one kind (commitments, meetings, people).

A query is cut into words (letters and digits only: quotes, operators and control characters
never reach the database's query syntax). Words without Japanese are found as words, each as a
prefix so that results come while typing, ranked by relevance:

- PostgreSQL: a stored `tsvector` per document (English, or 'simple' for names; migration 0016)
  with a GIN index, matched by a `SearchQuery` of prefixes and ordered by `SearchRank`.
- SQLite: an FTS5 table of porter-stemmed words, ordered by bm25.

Neither engine splits Japanese into words, so a query with Japanese in it is found by substring:
every word must appear in the document. pg_trgm's GIN index serves that on PostgreSQL; on SQLite
an FTS5 trigram table, ranked by bm25, for the words of three characters or more, and a scan of
the documents for shorter ones (a trigram index has nothing to look up for two characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, QuerySet, Window
from django.db.models.expressions import RawSQL

from .search import TRIGRAM, search_fold

# Letters and digits, in any script; an underscore is punctuation here.
WORD = re.compile(r"[^\W_]+")
# Kana, CJK ideographs, full-width forms and Hangul: scripts written without spaces.
UNSPACED = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af]"
)
MAX_WORDS = 8


@dataclass(frozen=True)
class SearchKind:
    """Where one kind's documents and indexes live (see migration 0016)."""

    model: type
    key: str
    config: str
    words_table: str
    trigram_table: str


def search_words(text: str) -> tuple[str, ...]:
    """The words of a query, folded as the documents are, each once, at most MAX_WORDS."""
    return tuple(dict.fromkeys(WORD.findall(search_fold(text))))[:MAX_WORDS]


def is_unspaced(words: tuple[str, ...]) -> bool:
    return any(UNSPACED.search(word) for word in words)


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


class SearchEngine:
    """Ranked ids and counts of the documents of `kind` that match `words`, on `using`."""

    def __init__(self, kind: SearchKind, words: tuple[str, ...], using: str = "default"):
        self.kind = kind
        self.words = words
        self.using = using
        self.connection = connections[using]
        self.by_substring = is_unspaced(words)

    # PostgreSQL: the ORM, with the stored vector as an expression the model does not declare.
    def _postgresql(self) -> QuerySet:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField

        documents = self.kind.model.objects.using(self.using)
        if self.by_substring:
            for word in self.words:
                documents = documents.filter(document__contains=word)
            return documents.order_by("-pk")
        table = _quote(self.connection, self.kind.model._meta.db_table)
        vector = RawSQL(f'{table}."vector"', [], output_field=SearchVectorField())  # noqa: S611
        # Words are letters and digits only: nothing in them is tsquery syntax.
        query = SearchQuery(
            " & ".join(f"{word}:*" for word in self.words),
            search_type="raw",
            config=self.kind.config,
        )
        return (
            documents.annotate(vector=vector, rank=SearchRank(vector, query))
            .filter(vector=query)
            .order_by("-rank", "-pk")
        )

    # SQLite: FTS5's own SQL; the tables' names are constants, the query a parameter.
    def _sqlite(self, select: str, tail: str = "") -> tuple[str, list]:
        q = lambda name: _quote(self.connection, name)  # noqa: E731
        documents = q(self.kind.model._meta.db_table)
        key = q(self.kind.key)
        if not self.by_substring:
            fts = q(self.kind.words_table)
            match = " ".join(f'"{word}"*' for word in self.words)
            sql = f"SELECT {select.format(id='rowid')} FROM {fts} WHERE {fts} MATCH %s"  # noqa: S608
            # FTS5's rank column is bm25, sorted by FTS5 itself: faster than calling bm25().
            return sql + tail.format(rank="rank", id="rowid"), [match]
        long = [word for word in self.words if len(word) >= TRIGRAM]
        short = [word for word in self.words if len(word) < TRIGRAM]
        checks = " AND ".join(["instr(d.document, %s) > 0"] * len(short))
        if not long:
            sql = f"SELECT {select.format(id='d.' + key)} FROM {documents} d WHERE {checks}"  # noqa: S608
            return sql + tail.format(rank="NULL", id="d." + key), short
        fts = q(self.kind.trigram_table)
        match = " ".join(f'"{word}"' for word in long)
        rowid = f"{fts}.rowid"
        sql = (
            f"SELECT {select.format(id=rowid)} FROM {fts} "  # noqa: S608
            f"JOIN {documents} d ON d.{key} = {rowid} WHERE {fts} MATCH %s"
        )
        if short:
            sql += f" AND {checks}"
        return sql + tail.format(rank=f"{fts}.rank", id=rowid), [match, *short]

    def ids(self, *, offset: int, limit: int) -> tuple[list[int], int | None]:
        """The ids of the matches from `offset`, best first, and how many match in all (None
        when the page is empty past the first: nothing to count on); one query, which finds
        the matches once for both."""
        if not self.words:
            return [], 0
        if self.connection.vendor == "postgresql":
            rows = list(
                self._postgresql()
                .annotate(total=Window(Count("pk")))
                .values_list("pk", "total")[offset : offset + limit]
            )
        else:
            sql, params = self._sqlite(
                "{id}, count(*) OVER ()", " ORDER BY {rank}, {id} DESC LIMIT %s OFFSET %s"
            )
            with self.connection.cursor() as cursor:
                cursor.execute(sql, [*params, limit, offset])
                rows = cursor.fetchall()
        if not rows:
            return [], 0 if offset == 0 else None
        return [row[0] for row in rows], rows[0][1]

    def count(self) -> int:
        """How many documents match; one query."""
        if not self.words:
            return 0
        if self.connection.vendor == "postgresql":
            return self._postgresql().order_by().count()
        sql, params = self._sqlite("count(*)")
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
