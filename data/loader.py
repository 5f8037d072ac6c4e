"""The loader: stage a dataset beside the live one, validate it, swap it in atomically.

A load stages every file into ``_stage_*`` tables, validates them, and only then, in one
transaction, drops the live tables and renames the staged ones into place: a load that
fails at any point leaves the previous dataset exactly as it was.

A load from the command line (:meth:`LoaderMixin.load_new_version`) builds a new version
file the same way and switches the store's pointer to it (:mod:`data.versions`), so it
runs beside a dashboard holding the current version. Loads into the current version (the
app's Data page, the first start's sample, a rate card edit) take the same load lock and
check that their version is still current.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from data import cube, line_cube, read_cube, versions
from data.catalog import STAGE_PREFIX, DatasetInfo, StoreBase, StoreError, db_path, read_sql
from data.contract import SQL_TYPES, TABLE_ORDER, TABLES
from data.importer import DatasetError, Importer, Problem, Progress, quote_ident
from data.kept import Kept
from data.read_cube import AggregateDeclined
from data.recipe import LoadOptions, Recipe
from data.sources import table_files

SAMPLE_LABEL = "Embedded sample dataset"
# The tables of lines a store may drop once its cube is built (keep_lines=False).
LINE_TABLES = ("transactions", "activities")
PREVIEW_LIFETIME_S = 2 * 3600  # a validated upload not loaded within this is dropped


@dataclass(frozen=True)
class LoadResult:
    version: str
    rows: dict[str, int]
    warnings: tuple[str, ...]
    lines_kept: bool = True  # False: the store keeps the customer-month cube only
    lines_dropped: bool = False  # the lines were stored, then dropped (keep_lines=False)


@dataclass(frozen=True)
class PendingLoad:
    """A validated dataset staged beside the live one, waiting to be committed."""

    token: str
    source: str
    files: dict[str, str]
    stages: dict[str, str]
    xlsx: tuple[str, ...]
    rows: dict[str, int]
    columns: dict[str, list[str]]
    warnings: tuple[str, ...]
    samples: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Where the activities' driver quantities come from (the activity_sources table):
    # the activity file's name, and one row per cost driver (see _driver_sources).
    activity_file: str | None = None
    driver_sources: tuple[tuple[str | None, ...], ...] = ()
    # The tables staged as aggregates while read (data.read_cube), not as lines.
    aggregated: tuple[str, ...] = ()



@contextmanager
def in_place(store: StoreBase):
    """Around a write to the store's current version (a load, a rate card edit): hold
    the load lock, and write only while that version is still current; otherwise a
    :class:`DatasetError` says which load got there first and that nothing was kept."""
    if store.path == ":memory:" or store.building:
        yield
        return
    try:
        with versions.load_lock(store.path):
            if versions.current_file(store.path) != store.file:
                raise DatasetError([Problem(
                    "dataset", "another load (a scheduled load) replaced the dataset "
                    "meanwhile, so nothing of this one was kept: open the page again and "
                    "repeat it on the new dataset",
                )])
            yield
    except versions.LoadRunning:
        raise DatasetError([Problem(
            "dataset", "another load into this store (a scheduled load) is running, so "
            "nothing of this one was kept: try again when it has finished",
        )]) from None


class LoaderMixin(StoreBase):
    """Loads: folders, files, recipes, the sample; staged previews committed or discarded."""

    # A store that lives for one report (analytics.cli's report): its commit defines the
    # cube as views over the lines it keeps (data.line_cube) instead of building it.
    cube_as_views = False
    # ... and, when it reads the whole span, reads a plain folder's lines and activities
    # aggregating as it reads (data.read_cube): it keeps no lines.
    aggregate_on_read = False
    read_aggregated = False  # ... and did (data.read_cube)

    @classmethod
    def load_new_version(cls, path: str | Path | None,
                         load: Callable[[LoaderMixin], LoadResult]) -> LoadResult:
        """Build the store's next version with ``load(store)`` (e.g. ``lambda s:
        s.load_folder(folder)``) in a new file and make it current: the program holding
        the current version (a running dashboard) is never waited on, and moves to the
        new one on its next :meth:`refresh`. Under the store's load lock: a second load
        meanwhile raises :class:`StoreError` at once. A load that fails or is killed
        leaves the current version as it was (a killed load's file is removed at the
        next start or load)."""
        path = str(path) if path is not None else db_path()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            with versions.load_lock(path), versions.cleanup_lock(path):
                # A store saved before the kept-state file: copy what it keeps from its
                # original file, before any cleanup (if another program holds that file,
                # it stays until a later open copies it).
                Kept(path).migrate(path)
                versions.remove_old_versions(path)  # a killed load's half-built version
                file = versions.new_version_file(path)
                try:
                    store = cls(path, version_file=file)
                    try:
                        result = load(store)
                    finally:
                        store.close()
                    if result.lines_dropped:
                        file = _compacted(path, file)
                    versions.switch_to(path, file)
                except BaseException:
                    # Not if the pointer names it (interrupted after the switch).
                    if versions.current_file(path) != file:
                        versions.remove_file(file)
                    raise
                versions.remove_old_versions(path)
                return result
        except versions.LoadRunning:
            raise StoreError(
                f"another load into the store {Path(path).name} is running, so this load "
                "kept nothing: run it again when that one has finished"
            ) from None

    def ensure_dataset(self, progress: Progress | None = None) -> DatasetInfo:
        """The active dataset; on first use, the embedded sample is loaded, and an
        embedded sample older than the generator (:meth:`sample_outdated`) is generated
        and loaded again."""
        info = self.info()
        if info is None or self.sample_outdated(info):
            self.load_sample(progress=progress)
            info = self.info()
        return info

    @staticmethod
    def sample_outdated(info: DatasetInfo | None) -> bool:
        """Whether the active dataset is the embedded sample as generated before its
        customers had the relationship attributes (issue 11): such a store is opened
        with those columns empty, so the app loads the sample again rather than show the
        relationship views without data. (Only the customers file decides: a rate card
        edited without its relationship column is the user's choice, kept.)"""
        return (info is not None and info.source == SAMPLE_LABEL
                and not info.has_column("customers", "relationship"))

    def load_folder(self, folder: str | Path, progress: Progress | None = None,
                    *, keep_lines: bool = True) -> LoadResult:
        """Validate and load every contract table found in ``folder`` (atomically);
        ``keep_lines=False`` keeps only the customer-month cube (see :meth:`commit`)."""
        folder = Path(folder)
        if not folder.is_dir():
            raise DatasetError([Problem(str(folder), "is not a folder")])
        files, problems = table_files(folder, TABLE_ORDER)
        if problems:
            raise DatasetError([Problem(folder.name, p.split(": ", 1)[1]) for p in problems])
        # The folder's name, never its server path: the label is shown on every page.
        name = folder.resolve().name or str(folder)
        return self.load_files(files, source=f"Folder {name}", progress=progress,
                               keep_lines=keep_lines)

    def load_files(
        self,
        files: dict[str, Path],
        *,
        mappings: dict[str, dict[str, str]] | None = None,
        display_names: dict[str, str] | None = None,
        source: str = "upload",
        progress: Progress | None = None,
        options: LoadOptions | None = None,
        keep_lines: bool = True,
    ) -> LoadResult:
        """Validate ``files`` (table -> path) and replace the dataset in one transaction.

        Raises :class:`DatasetError` listing every problem; the previous dataset is then
        untouched.
        """
        pending = self.stage_files(
            files, mappings=mappings, display_names=display_names, source=source,
            progress=progress, options=options,
        )
        return self.commit(pending, progress=progress, keep_lines=keep_lines)

    def load_recipe(self, recipe: Recipe, progress: Progress | None = None,
                    *, keep_lines: bool = True) -> LoadResult:
        """Validate and load the files a recipe names, as it says (atomically)."""
        return self.load_files(
            recipe.files(), mappings=recipe.mappings(), options=recipe.options(),
            source=f"Recipe: {recipe.name}", progress=progress, keep_lines=keep_lines,
        )

    def stage_files(
        self,
        files: dict[str, Path],
        *,
        mappings: dict[str, dict[str, str]] | None = None,
        display_names: dict[str, str] | None = None,
        source: str = "upload",
        progress: Progress | None = None,
        sample_rows: int = 0,
        options: LoadOptions | None = None,
        require_transactions: bool = True,
    ) -> PendingLoad:
        """Validate and stage a dataset without touching the live one.

        The staged tables sit in the database under a private prefix until
        :meth:`commit` swaps them in or :meth:`discard` drops them. ``sample_rows``
        parsed rows of each table come back for a preview. ``require_transactions=False``
        stages the small tables of a load whose lines another engine reads
        (:mod:`data.engines.load`).
        """
        progress = progress or (lambda fraction, text: None)
        token = uuid.uuid4().hex[:12]
        # Reading and validating never holds the store's lock: another user's validation
        # or load does not wait on this one. Only the bookkeeping is serialised, and a
        # commit meanwhile leaves the tables of a staging in progress alone.
        with self._lock, self.cursor() as cur:
            self._drop_abandoned(cur)
            self._staged_at[token] = time.monotonic()
            self._staging.add(token)
        try:
            return self._stage(token, files, mappings, display_names, source, progress,
                               sample_rows, options, require_transactions)
        finally:
            with self._lock:
                self._staging.discard(token)

    def _stage(self, token, files, mappings, display_names, source, progress, sample_rows,
               options, require_transactions=True) -> PendingLoad:
        with self.cursor() as cur, self.temp_dir("load-") as workdir:
            importer = Importer(cur, Path(workdir), f"{STAGE_PREFIX}{token}_", progress)
            # A report's store reads a plain folder aggregating as it reads, unless the
            # files need the usual way (which then reads them again).
            importer.aggregate = (self.aggregate_on_read and options is None
                                  and require_transactions and not sample_rows)
            try:
                try:
                    staged = importer.stage(files, mappings, display_names,
                                            options=options,
                                            require_transactions=require_transactions)
                except AggregateDeclined:
                    importer.drop()
                    again = Path(workdir) / "again"  # the files' links of the first read
                    again.mkdir()                    # stay where they are
                    importer = Importer(cur, again, f"{STAGE_PREFIX}{token}_", progress)
                    staged = importer.stage(files, mappings, display_names,
                                            options=options,
                                            require_transactions=require_transactions)
            except DatasetError:
                raise
            except duckdb.OutOfMemoryException:
                importer.drop()
                raise self._out_of_memory() from None
            except Exception:
                importer.drop()
                raise
            samples = {
                table: cur.execute(
                    f"SELECT * FROM {quote_ident(s.name)} LIMIT {int(sample_rows)}"
                ).df()
                for table, s in staged.tables.items()
            } if sample_rows else {}
        names = display_names or {}
        shown = {t: names.get(t, Path(p).name) for t, p in files.items()}
        for table, s in staged.tables.items():  # tables a load derived, not read
            shown.setdefault(table, f"from {s.source.display}" if s.source.kind != "recipe"
                             else f"from {s.source.display} (drivers)")
        return PendingLoad(
            token=token,
            source=source,
            files=shown,
            stages={t: s.name for t, s in staged.tables.items()},
            xlsx=tuple(t for t, s in staged.tables.items() if s.source.kind == "xlsx"),
            rows={t: s.rows for t, s in staged.tables.items()},
            columns={t: list(s.present) for t, s in staged.tables.items()},
            warnings=tuple(staged.warnings),
            samples=samples,
            activity_file=(shown["activities"] if "activities" in files
                           and "activities" in staged.tables else None),
            driver_sources=_driver_sources(options, shown.get("transactions"), source),
            aggregated=tuple(t for t, s in staged.tables.items() if s.aggregated),
        )

    def commit(self, pending: PendingLoad, progress: Progress | None = None, *,
               keep_lines: bool = True, cube_tables: dict | None = None) -> LoadResult:
        """Swap a staged dataset in, replacing every table in one transaction.

        The customer-month cube is built from the staged lines in the same transaction
        (:mod:`data.cube`). ``keep_lines=False`` then empties ``transactions`` and
        ``activities``: the store keeps the cube only (``lines_kept`` false; a partial
        month at a period's edge is prorated, :mod:`data.periods`). ``cube_tables``
        (table -> Arrow table, :data:`data.cube.CUBE_TABLES`) is a cube another engine
        built (:mod:`data.engines.load`): the staged tables are then the small ones and
        the store keeps no lines.
        """
        progress = progress or (lambda fraction, text: None)
        progress(0.9, "Saving the dataset")
        lines_kept = keep_lines and cube_tables is None and not pending.aggregated
        if cube_tables is not None and set(cube_tables) != set(cube.CUBE_TABLES):
            raise ValueError(f"a cube needs the tables {', '.join(cube.CUBE_TABLES)}")
        version = uuid.uuid4().hex
        meta = [
            version,
            dt.datetime.now().replace(microsecond=0),
            pending.source,
            json.dumps(pending.files),
            json.dumps({t: pending.rows.get(t, 0) for t in TABLE_ORDER}),
            json.dumps(pending.columns),
            json.dumps(list(pending.warnings)),
            lines_kept,
        ]
        with in_place(self), self._lock, self.cursor() as cur:
            existing = {
                row[0] for row in cur.execute(read_sql("live_tables")).fetchall()
            }
            missing = [name for name in pending.stages.values() if name not in existing]
            if missing:
                raise DatasetError([Problem(
                    "upload", "this validation has expired (another load ran meanwhile): "
                    "validate the files again",
                )])
            try:
                cur.execute("BEGIN TRANSACTION")
                aggregates = {t: pending.stages[t] for t in pending.aggregated}
                _swap_in(cur, TABLE_ORDER, {t: name for t, name in pending.stages.items()
                                            if t not in aggregates}, pending.xlsx)
                # The customer-month cube, from the lines of this same version (or as
                # another engine built it, or from the lines aggregated while read).
                progress(0.93, "Building the summary tables")
                if cube_tables is not None:
                    cube.write(cur, cube_tables)
                elif aggregates:
                    read_cube.build(cur, aggregates)
                elif self.cube_as_views and lines_kept:
                    line_cube.build(cur)  # a report's store: views over its lines
                else:
                    cube.build(cur)
                cur.execute(read_sql("dataset_clear"))
                cur.execute(read_sql("dataset_insert"), meta)
                _record_sources(cur, pending,
                                from_cube=cube_tables is not None or bool(aggregates))
                if not lines_kept:
                    _swap_in(cur, LINE_TABLES, {})
                cur.execute("COMMIT")
                self.read_aggregated = bool(aggregates)  # its cube: the whole span only
            except Exception as error:
                cur.execute("ROLLBACK")
                self._drop_stages(cur, pending.token)
                if isinstance(error, duckdb.OutOfMemoryException):
                    # The cube's build at the commit, as the staging: said plainly.
                    raise self._out_of_memory() from None
                raise
            # Other previews were validated against data that is now gone (a staging still
            # in progress is left to finish).
            self._drop_stages(cur, keep=self._staging)
            if not lines_kept and self.path != ":memory:":
                # Give the lines' blocks back: the store file is the cube's size.
                cur.execute("CHECKPOINT")
        progress(1.0, "Loaded")
        return LoadResult(version, dict(pending.rows), pending.warnings, lines_kept,
                          lines_dropped=not keep_lines and cube_tables is None)

    def _out_of_memory(self) -> DatasetError:
        return DatasetError([Problem(
            "dataset", f"does not fit in the memory ProfitLens may use "
            f"({self.memory_limit}): load a shorter period or fewer columns, or "
            "raise the limit with PROFITLENS_MEMORY_LIMIT",
        )])

    def discard(self, pending: PendingLoad) -> None:
        """Drop a staged dataset that will not be loaded."""
        with self._lock, self.cursor() as cur:
            self._drop_stages(cur, pending.token)

    def load_sample(
        self, customers: int = 2000, seed: int = 7, progress: Progress | None = None
    ) -> LoadResult:
        """Generate the embedded sample dataset and load it."""
        from data.sample import write_sample

        folder = Path(tempfile.mkdtemp(prefix=f"sample-{os.getpid()}-", dir=self.work_dir))
        try:
            if progress:
                progress(0.05, "Generating the sample dataset")
            write_sample(folder, customers=customers, seed=seed)
            files, _ = table_files(folder, TABLE_ORDER)
            return self.load_files(files, source=SAMPLE_LABEL, progress=progress)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _drop_abandoned(self, cur, max_age_s: float = PREVIEW_LIFETIME_S) -> None:
        """Drop previews nobody committed or discarded within ``max_age_s``."""
        now = time.monotonic()
        for token, staged_at in list(self._staged_at.items()):
            if now - staged_at > max_age_s:
                self._drop_stages(cur, token)
                del self._staged_at[token]


def _compacted(path: str, file: str) -> str:
    """A copy of the version ``file`` without the free blocks its dropped lines left (a
    DuckDB file does not shrink when tables are dropped), as a new version file; ``file``
    is removed. Call under the load lock, before the switch."""
    compact = versions.new_version_file(path)
    try:
        con = duckdb.connect(compact)
        try:
            con.execute("ATTACH ? AS built (READ_ONLY)", [file])
            con.execute(f"COPY FROM DATABASE built TO {quote_ident(Path(compact).stem)}")
            con.execute("DETACH built")
        finally:
            con.close()
    except BaseException:
        versions.remove_file(compact)
        raise
    versions.remove_file(file)
    return compact


def _driver_sources(options: LoadOptions | None, lines: str | None,
                    source: str) -> tuple[tuple[str | None, ...], ...]:
    """An ``activity_sources`` row per cost driver: activity, kind, file (the lines it is
    counted from), origin (the recipe, or the Data page), per, condition, counted."""
    if options is None or not options.drivers:
        return ()
    origin = (f"recipe {options.origin}" if source.startswith("Recipe:")
              else "the Data page's cost drivers" if source.startswith("Upload:")
              else options.origin)
    return tuple(
        (d.activity, "driver", lines, origin, d.per,
         " and ".join(c.describe() for c in d.where) or None, d.counted())
        for d in options.drivers
    )


def _record_sources(cur, pending: PendingLoad, from_cube: bool = False) -> None:
    """Inside the commit's transaction: where each activity's quantities came from (the
    activity file's activities read from the cube's when another engine read the
    lines)."""
    cur.execute(read_sql("activity_sources_clear"))
    if pending.driver_sources:
        cur.executemany(read_sql("activity_sources_insert"),
                        [list(row) for row in pending.driver_sources])
    if pending.activity_file is not None:
        cur.execute(read_sql("activity_sources_from_cube" if from_cube
                             else "activity_sources_from_file"), {
            "file": pending.activity_file,
            "drivers": [row[0] for row in pending.driver_sources],
        })


def _empty_table_sql(table: str, name: str) -> str:
    columns = ", ".join(
        f"{quote_ident(c.name)} {SQL_TYPES[c.kind]}" for c in TABLES[table].stored
    )
    return f"CREATE TABLE {quote_ident(name)} ({columns})"


def _swap_in(cur, tables, stages: dict[str, str], xlsx: tuple[str, ...] = ()) -> None:
    """Inside the caller's transaction, replace each live table by its staged table
    (``stages``: table -> staged name), or by an empty one when nothing was staged."""
    for table in tables:
        cur.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")
        if table in stages:
            stage = quote_ident(stages[table])
            if table in xlsx:
                cur.execute(f'ALTER TABLE {stage} DROP COLUMN "_line"')
            cur.execute(f"ALTER TABLE {stage} RENAME TO {quote_ident(table)}")
        else:
            cur.execute(_empty_table_sql(table, table))
