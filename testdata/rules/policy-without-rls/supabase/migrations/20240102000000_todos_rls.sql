alter table public.todos enable row level security;
