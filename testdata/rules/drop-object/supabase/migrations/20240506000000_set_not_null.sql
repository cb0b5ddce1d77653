alter table public.folders validate constraint folders_label_nn;
-- OK: the column is NOT NULL now; the temporary check enforces nothing more (set-not-null's
-- safe sequence, last step).
alter table public.folders alter column label set not null;
alter table public.folders drop constraint folders_label_nn;

-- The column may still hold NULLs: the check was all that kept them out.
-- expect: drop-object
alter table public.folders drop constraint folders_code_nn;
