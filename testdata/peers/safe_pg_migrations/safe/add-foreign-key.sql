-- peer: safe-pg-migrations Safe add_foreign_key, what it runs instead
set lock_timeout = '5s';
alter table public.appointments add constraint appointments_patient_id_fkey foreign key (patient_id) references public.patients (id) not valid;
alter table public.appointments validate constraint appointments_patient_id_fkey;
