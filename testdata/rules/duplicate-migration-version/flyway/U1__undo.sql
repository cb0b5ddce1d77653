-- An undo file shares its version with the migration it undoes: fine.
drop table public.ledger;
