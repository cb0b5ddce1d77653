-- Sorted by file name this runs second: '_' (0x5f) sorts after '0' (0x30).
alter table public.a add column note text;
