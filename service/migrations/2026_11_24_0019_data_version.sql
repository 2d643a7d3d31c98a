-- The data version: one number that every committed write of the API's data advances,
-- with the time of that commit. The response cache keys its entries by it (an entry is
-- never older than its key) and Last-Modified comes from its time.
--
-- Writers stay concurrent: a statement-level trigger only notes, once per transaction,
-- that the transaction wrote; the version row is bumped by a deferred constraint trigger
-- that fires at commit, so its row lock is held for the commit alone. Every bump is
-- serialised by that lock, so versions are ordered as commits are: a reader that sees
-- version N sees every write of version N and before.
--
-- Tables written on every request (access_log, rate_limits) and bookkeeping
-- (idempotency_keys, schema_migrations) do not advance it.

create table data_version (
    only_row     boolean primary key default true check (only_row),
    version      bigint not null,
    -- whole seconds, one second apart at least: an HTTP date (If-Modified-Since) then
    -- tells two versions apart even when they commit within the same second
    committed_at timestamptz not null
);
insert into data_version (version, committed_at) values (1, date_trunc('second', clock_timestamp()));
grant select on data_version to anju_app;

-- One row per writing transaction while it commits; deleted by the bump itself.
create unlogged table data_version_writes (
    txid xid8 primary key default pg_current_xact_id()
);

create function anju_note_data_write() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    begin
        -- transaction-local: reset at commit or rollback (and with a rolled-back savepoint)
        if current_setting('anju.data_written', true) is distinct from 'on' then
            perform set_config('anju.data_written', 'on', true);
            insert into data_version_writes default values;
        end if;
        return null;
    end
    $$;

create function anju_bump_data_version() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    begin
        update data_version
           set version = version + 1,
               committed_at = greatest(date_trunc('second', clock_timestamp()),
                                       committed_at + interval '1 second');
        delete from data_version_writes where txid = new.txid;
        return null;
    end
    $$;

create constraint trigger data_version_bump after insert on data_version_writes
    deferrable initially deferred
    for each row execute function anju_bump_data_version();

-- Any table whose rows the API reads calls this once (here for those that exist; a
-- migration adding a table calls it for that table).
create function anju_track_data_version(target regclass) returns void
    language plpgsql
    as $$
    begin
        execute format(
            'create trigger %I after insert or update or delete or truncate on %s'
            ' for each statement execute function anju_note_data_write()',
            'data_version_' || (select relname from pg_class where oid = target), target);
    end
    $$;

select anju_track_data_version(c.oid::regclass)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p')
  and c.relname not in ('access_log', 'rate_limits', 'idempotency_keys', 'schema_migrations',
                        'data_version', 'data_version_writes')
order by c.relname;
