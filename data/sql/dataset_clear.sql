-- Forget the dataset's description (a load writes the new one in the same transaction).
delete from dataset
