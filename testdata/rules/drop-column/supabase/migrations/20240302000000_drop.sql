-- Added by an earlier migration, so deployed code may read it.
-- expect: drop-column
alter table public.invoices drop column pdf_url;
