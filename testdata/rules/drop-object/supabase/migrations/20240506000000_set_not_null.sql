alter table public.folders validate constraint folders_label_nn;
-- OK: the column is NOT NULL now; the temporary check enforces nothing more (set-not-null's
-- safe sequence, last step).
alter table public.folders alter column label set not null;
alter table public.folders drop constraint folders_label_nn;

-- The column may still hold NULLs: the check was all that kept them out.
-- expect: drop-object
alter table public.folders drop constraint folders_code_nn;

-- OK: the primary key is replaced by a unique constraint on the same columns, which stay
-- NOT NULL: the same rows are refused.
alter table public.documents drop constraint documents_pkey,
  add constraint documents_id_key unique (id);
