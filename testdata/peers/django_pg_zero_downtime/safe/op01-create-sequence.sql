-- peer: django-pg-zero-downtime-migrations #1 CREATE SEQUENCE
set lock_timeout = '2s';
create sequence public.invoice_numbers;
