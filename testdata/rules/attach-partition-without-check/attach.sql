set lock_timeout = '5s';

-- An existing table attached with nothing proving the bound: scanned under ACCESS EXCLUSIVE.
-- expect: attach-partition-without-check
alter table public.events attach partition public.events_2023
  for values from ('2023-01-01') to ('2024-01-01');

-- expect: attach-partition-without-check
alter table public.events attach partition public.events_old default;

-- A validated CHECK added first: PostgreSQL can skip the scan.
alter table public.events_2024 add constraint events_2024_bound
  check (created_at >= '2024-01-01' and created_at < '2025-01-01');
alter table public.events attach partition public.events_2024
  for values from ('2024-01-01') to ('2025-01-01');

-- A NOT VALID check proves nothing until validated.
alter table public.events_2025 add constraint events_2025_bound
  check (created_at >= '2025-01-01' and created_at < '2026-01-01') not valid;
-- expect: attach-partition-without-check
alter table public.events attach partition public.events_2025
  for values from ('2025-01-01') to ('2026-01-01');

-- A partition created in this file is new.
create table public.events_2026 (like public.events including all);
alter table public.events attach partition public.events_2026
  for values from ('2026-01-01') to ('2027-01-01');
