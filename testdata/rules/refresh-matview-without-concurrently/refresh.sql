-- expect: refresh-matview-without-concurrently
refresh materialized view public.daily_totals;

-- OK: readers keep reading.
refresh materialized view concurrently public.daily_totals;

-- OK: WITH NO DATA empties the view at once (CONCURRENTLY is not allowed with it).
refresh materialized view public.daily_totals with no data;

-- OK: a view created in this file has no readers yet.
create materialized view public.weekly_totals as select 1 as id;
refresh materialized view public.weekly_totals;
