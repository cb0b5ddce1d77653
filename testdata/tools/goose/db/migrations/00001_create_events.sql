-- +goose Up
create table events (id bigint primary key, kind text);

-- +goose StatementBegin
create function touch() returns trigger language plpgsql as $$
begin
  return new;
end;
$$;
-- +goose StatementEnd

-- +goose Down
drop function touch();
drop table events;
