-- The recipe remembered for a transactions file layout. Parameter: layout.
select recipe, saved_at from recipes where layout = ?
