-- peer: squawk ban-alter-domain-with-add-constraint
alter domain public.email add constraint email_at check (value like '%@%') not valid;
