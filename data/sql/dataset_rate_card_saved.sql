-- A saved rate card gives the dataset a new version and new counts. Parameters: version,
-- rows, columns.
update dataset set version = ?, rows = ?, columns = ?
