-- OK: not wrapped, and each statement commits on its own.
alter table public.orders add constraint orders_fee_positive check (fee >= 0) not valid;
alter table public.orders validate constraint orders_fee_positive;

begin;
alter table public.orders add constraint orders_tax_positive check (tax >= 0) not valid;
-- expect: validate-in-same-transaction
alter table public.orders validate constraint orders_tax_positive;
commit;

begin;
alter table public.orders add constraint orders_tip_positive check (tip >= 0) not valid;
commit;
-- OK: after the COMMIT.
alter table public.orders validate constraint orders_tip_positive;
