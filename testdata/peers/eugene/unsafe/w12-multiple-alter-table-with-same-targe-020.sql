-- peer: eugene W12 multiple_alter_table_with_same_target
-- out-of-scope: style: two ALTERs of one table take the same lock twice; it only matters without a lock timeout, which `lock-timeout-missing` reports
alter table public.items add column a1 text;
alter table public.items add column a2 text;
