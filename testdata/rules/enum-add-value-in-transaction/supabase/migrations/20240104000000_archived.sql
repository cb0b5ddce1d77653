alter type public.ticket_state add value 'archived';
-- OK: the same text compared with a text column is not the new enum value.
update public.tickets set legacy_state = null where legacy_state = 'archived';
-- expect: enum-add-value-in-transaction
update public.tickets set state = 'archived' where legacy_state = 'gone';
