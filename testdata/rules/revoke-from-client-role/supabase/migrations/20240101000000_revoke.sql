-- expect: revoke-from-client-role
revoke select on public.products from anon;

-- expect: revoke-from-client-role
revoke execute on function public.search_products(text) from anon, authenticated;

-- OK on Supabase: PUBLIC alone takes nothing from the client roles.
revoke all on public.products from public;

-- OK: a function created in this file (revoking its default grants is good practice).
create function public.stats() returns bigint language sql as $$ select 1::bigint $$;
revoke execute on function public.stats() from public, anon;

-- OK: a grant option only.
revoke grant option for select on public.products from authenticated;

-- OK: the same file drops the table; drop-table reports what matters.
revoke all on public.legacy_carts from anon, authenticated;
-- expect: drop-table
drop table public.legacy_carts;

-- OK: the same for a view the file drops.
revoke select on public.order_totals from anon;
-- expect: drop-object
drop view public.order_totals;

-- OK: a materialized view created in this file (issue 28 item 8: it was reported).
create materialized view public.product_counts as select count(*) as n from public.products;
revoke select on public.product_counts from anon, authenticated;
