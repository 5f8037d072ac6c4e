-- The active dataset's version id (no row: no dataset yet).
select version from dataset
