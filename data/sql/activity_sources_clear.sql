-- Forget the activity sources (a load writes the new ones in the same transaction).
delete from activity_sources
