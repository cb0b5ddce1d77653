create table public.orders (
  id bigint primary key,
  customer_id bigint not null,
  store_id bigint not null,
  email text not null unique,
  status text not null,
  created_at timestamptz not null default now(),
  note text
);
create index orders_customer_idx on public.orders (customer_id);

-- expect: duplicate-index
create index orders_customer_id_idx on public.orders (customer_id);

-- A plain index repeating the primary key's index.
-- expect: duplicate-index
create index orders_id_idx on public.orders using btree (id);

-- A plain index repeating the index of the column's UNIQUE.
-- expect: duplicate-index
create index if not exists orders_email_idx on public.orders (email);

-- OK: a unique index over a plain one adds a constraint.
create unique index orders_customer_unique on public.orders (customer_id);

-- OK: another column order serves other queries.
create index orders_customer_store_idx on public.orders (customer_id, store_id);
create index orders_store_customer_idx on public.orders (store_id, customer_id);

-- OK: other predicate, operator class, collation, sort order, method, expression, INCLUDE.
create index orders_status_open_idx on public.orders (status) where status = 'open';
create index orders_status_closed_idx on public.orders (status) where status = 'closed';
create index orders_status_pattern_idx on public.orders (status text_pattern_ops);
create index orders_status_c_idx on public.orders (status collate "C");
create index orders_created_desc_idx on public.orders (created_at desc);
create index orders_created_idx on public.orders (created_at);
create index orders_created_brin_idx on public.orders using brin (created_at);
create index orders_lower_email_idx on public.orders (lower(email));
create index orders_customer_incl_idx on public.orders (customer_id) include (status);

-- The same predicate again.
-- expect: duplicate-index
create index orders_open_idx on public.orders (status) where status = 'open';

-- The same expression again.
-- expect: duplicate-index
create index orders_email_lower_idx on public.orders (lower(email));

-- OK: IF NOT EXISTS of an index already there does nothing.
create index if not exists orders_created_idx on public.orders (created_at);
