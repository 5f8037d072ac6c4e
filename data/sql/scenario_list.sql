-- The saved scenarios, newest first.
select name, saved_at from scenarios order by saved_at desc, name
