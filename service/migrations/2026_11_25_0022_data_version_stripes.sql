-- The data version without one hot row (decision 0013). Every committing writer used to
-- update the single data_version row and hold its lock through the commit's WAL flush,
-- so commits queued one behind the other (one fdatasync each, ~3 ms on a plain disk) and
-- could never share a flush.
--
-- Now a writer bumps one of 32 stripes, chosen by its transaction id, and the version
-- is their sum. A later snapshot sees every transaction an earlier one saw, and each
-- writer adds exactly one: so the sum never goes back, and two snapshots of one server
-- with the same sum saw the same writes. Writers on different stripes commit (and
-- flush) together.
--
-- committed_at is the second of a stripe's newest commit; the newest of all is no longer
-- one second apart per version, so Last-Modified is only sent once it has settled
-- (service/cache/version.py).

create table data_version_stripes (
    stripe       int primary key check (stripe between 0 and 31),
    version      bigint not null,
    committed_at timestamptz not null
);
-- (a burst of writes may have stamped the old row ahead of the clock)
insert into data_version_stripes (stripe, version, committed_at)
select s, case when s = 0 then d.version else 0 end,
       least(d.committed_at, date_trunc('second', clock_timestamp()))
from data_version d, generate_series(0, 31) as s;
grant select on data_version_stripes to anju_app;

create or replace function anju_bump_data_version() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    begin
        update data_version_stripes
           set version = version + 1,
               committed_at = greatest(committed_at, date_trunc('second', clock_timestamp()))
         where stripe = (new.txid::text::bigint % 32)::int;
        delete from data_version_writes where txid = new.txid;
        return null;
    end
    $$;

-- Readers keep reading one row: the sum and the newest commit.
drop table data_version;
create view data_version as
    select sum(version)::bigint as version, max(committed_at) as committed_at
    from data_version_stripes;
grant select on data_version to anju_app;
