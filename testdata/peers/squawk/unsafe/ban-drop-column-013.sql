-- peer: squawk ban-drop-column
-- catch: drop-column
alter table public.accounts drop column legacy;
