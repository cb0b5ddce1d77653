-- peer: eugene E10 rewrote_table_or_index
-- catch: table-rewrite-command
reindex table public.items;
