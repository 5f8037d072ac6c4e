-- Row counts and columns per table of the active dataset (JSON texts).
select rows, columns from dataset
