-- peer: eugene W13 creating_enum
-- out-of-scope: a design preference (enums are hard to change), not a hazard of the migration itself
create type public.item_state as enum ('new', 'old');
