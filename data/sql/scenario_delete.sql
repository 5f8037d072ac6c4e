-- Forget a saved scenario. Parameter: name.
delete from scenarios where name = ?
