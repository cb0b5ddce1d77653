-- expect: rename-object
alter type order_status rename to purchase_status;

-- expect: rename-object
alter type order_status rename value 'shipped' to 'sent';

-- Constraint, index and policy names are read by no client query: the warning
-- rename-internal-object, not this error.
-- expect: rename-internal-object
alter index orders_created_idx rename to orders_created_at_idx;

-- expect: rename-internal-object
alter table orders rename constraint orders_total_check to orders_amount_check;

-- expect: rename-internal-object
alter policy "read orders" on orders rename to "read own orders";

-- expect: rename-object
alter function calc_total(integer) rename to compute_total;

-- expect: rename-object
alter schema reporting rename to analytics;

-- expect: rename-object
alter view active_users rename to current_users;

-- expect: rename-object
alter materialized view sales_summary set schema reporting;

-- Moving to another schema breaks qualified names and search-path lookups. sqlparser cannot
-- read ALTER TABLE ... SET SCHEMA; migcheck's own reader and the token-level scan see the move.
-- expect: rename-object
alter table orders set schema archive;

-- expect: rename-object
alter function calc_total(integer) set schema billing;

-- Objects created in this file can be renamed.
create type tmp_kind as enum ('a');
alter type tmp_kind rename to draft_kind;
create index tmp_idx on orders (id);
alter index tmp_idx rename to orders_id_idx;
create view tmp_view as select 1 as id;
alter view tmp_view rename to draft_view;

-- A view created in this file may move to another schema: nothing used it yet.
create view public.draft_totals as select 1 as total;
alter view public.draft_totals set schema reporting;

-- OK for this rule: `IF EXISTS` of an index no migration created renames nothing in a database
-- built from the migrations (`drop-object-if-exists` warns about it).
alter index if exists public.made_by_hand_idx rename to made_by_hand_old_idx;
