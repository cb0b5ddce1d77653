alter type public.ticket_state add value 'spam';
-- OK: a text column only.
delete from public.tickets where legacy_state = 'spam';
-- expect: enum-add-value-in-transaction
select 'spam'::public.ticket_state;
