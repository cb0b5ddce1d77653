-- expect: update-all-rows
update public.orders set status = 'open';

-- expect: update-all-rows
UPDATE public.orders SET archived = false WHERE true;

-- expect: update-all-rows
update public.orders set tags[1] = 'legacy';

-- OK: a WHERE clause selects some rows.
update public.orders set status = 'open' where status is null and id < 10000;
update public.orders o set region = c.region from public.customers c where c.id = o.customer_id;

-- OK: a table created in this file has no rows yet.
create table public.notes (id bigint primary key, body text);
update public.notes set body = '';

-- An UPDATE in a WITH runs to completion whatever the outer query reads.
-- expect: update-all-rows
with touched as (update public.orders set status = 'open' returning id) select count(*) from touched;

-- OK: restricted.
with touched as (update public.orders set status = 'open' where id < 10 returning id) select 1;
