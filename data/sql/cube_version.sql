-- The layout version of the store's customer-month cube (data/cube.py CUBE_VERSION).
select version from cube_version
