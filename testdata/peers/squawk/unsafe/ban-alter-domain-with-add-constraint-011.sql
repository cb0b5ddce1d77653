-- peer: squawk ban-alter-domain-with-add-constraint
-- catch: constraint-without-not-valid
alter domain public.email add constraint email_at check (value like '%@%');
