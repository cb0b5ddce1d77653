-- A history that starts later (its first file alters a table it never created): an index
-- made outside these files may exist, and dropping it locks the table.
alter table public.payments add column due date;
