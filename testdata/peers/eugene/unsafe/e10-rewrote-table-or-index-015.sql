-- peer: eugene E10 rewrote_table_or_index
-- catch: table-rewrite-command
cluster public.items using items_pkey;
