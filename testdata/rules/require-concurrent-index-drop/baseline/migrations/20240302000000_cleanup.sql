-- Never created by the set, which starts empty: nothing to drop, no lock.
drop index if exists public.invoices_number_idx;
