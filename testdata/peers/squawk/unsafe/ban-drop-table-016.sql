-- peer: squawk ban-drop-table
-- catch: drop-table
drop table public.audit_log;
