-- peer: eugene E10 rewrote_table_or_index
reindex table concurrently public.items;
