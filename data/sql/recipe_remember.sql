-- Remember a recipe (TOML). Parameters: layout, recipe, saved_at.
insert or replace into recipes values (?, ?, ?)
