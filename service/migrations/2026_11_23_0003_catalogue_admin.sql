-- Catalogue administration: a principal with catalogue:admin adds programmes and
-- indicators as data (a new programme needs no code change). Checked in the service
-- and again here, and recorded in audit_log like every other write.

create function anju_may_administer_catalogue() returns boolean
    language sql stable
    as $$ select anju_has_scope('catalogue:admin') $$;

grant insert on programmes, indicators to anju_app;
grant usage on sequence indicators_id_seq to anju_app;

alter table programmes enable row level security;
create policy programmes_read on programmes for select using (true);
create policy programmes_insert on programmes for insert
    with check (anju_may_administer_catalogue());

alter table indicators enable row level security;
create policy indicators_read on indicators for select using (true);
create policy indicators_insert on indicators for insert
    with check (anju_may_administer_catalogue());

-- Catalogue rows belong to no region.
alter table audit_log alter column region_code drop not null;

-- Only writes through the service carry a principal: the start-up load of the CSVs
-- runs as the owner, is versioned with the code, and upserts every row on each start.
create trigger programmes_audit after insert or update or delete on programmes
    for each row when (anju_claim('principal') is not null)
    execute function anju_record_change();
create trigger indicators_audit after insert or update or delete on indicators
    for each row when (anju_claim('principal') is not null)
    execute function anju_record_change();
