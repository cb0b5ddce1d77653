-- expect: constraint-without-not-valid
alter table public.orders add constraint orders_customer_fk foreign key (customer_id) references public.customers (id);

-- expect: constraint-without-not-valid
alter table orders add constraint orders_total_positive check (total >= 0);

-- OK: NOT VALID, then validated.
alter table public.orders add constraint orders_user_fk foreign key (user_id) references auth.users (id) not valid;
alter table public.orders validate constraint orders_user_fk;

-- OK: a table created in this file.
create table public.refunds (id bigint primary key, order_id bigint, amount numeric);
alter table public.refunds add constraint refunds_order_fk foreign key (order_id) references public.orders (id);
alter table public.refunds add constraint refunds_amount_positive check (amount > 0);

-- Constraints written inside ADD COLUMN take the same scan, with no NOT VALID escape.
-- expect: constraint-without-not-valid
alter table public.orders add column qty integer check (qty > 0);

-- A default gives every existing row a value the foreign key must check.
-- expect: constraint-without-not-valid
alter table public.orders add column seller_id bigint default 1 references public.customers (id);

-- OK: without a default every existing row gets NULL, which a foreign key does not check, so
-- PostgreSQL adds it without reading the rows.
alter table public.orders add column buyer_id bigint references public.customers (id);
alter table public.orders add column agent_id bigint default null references public.customers (id);

-- OK: a table truncated earlier in the same transaction has no row to check.
begin;
truncate public.drafts;
alter table public.drafts add constraint drafts_order_fk foreign key (order_id) references public.orders (id);
commit;

-- A domain constraint checks every column of every table using the domain.
-- expect: constraint-without-not-valid
alter domain public.email add constraint email_has_at check (value like '%@%');

-- OK: NOT VALID, then validated later.
alter domain public.email add constraint email_short check (length(value) < 320) not valid;

-- OK: a domain created in this file is used by no column yet.
create domain public.slug as text;
alter domain public.slug add constraint slug_lower check (value = lower(value));
