-- A saved scenario's definition. Parameter: name.
select definition from scenarios where name = ?
