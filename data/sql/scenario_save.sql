-- Save or replace a pricing scenario. Parameters: name, definition (JSON), saved_at.
insert or replace into scenarios (name, definition, saved_at) values (?, ?, ?)
