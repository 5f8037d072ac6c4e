-- The active dataset's description, as the last load or rate card edit wrote it.
select version, loaded_at, source, files, rows, columns, warnings, lines_kept from dataset
