-- The audit trail: who last wrote each record, and indexes for the changes feed's filters.

-- A write through the service (REST, GraphQL, upload) becomes the record's source: the
-- principal, the request id and the time. The document it was imported from stays in
-- its history (figure_revisions, audit_log). Stamped here, in the database, so that no
-- writer can forget it; imports (no principal claim) set their document themselves.
alter table figures add column source_request_id text;
alter table fund_accounts add column source_principal text, add column source_request_id text;
alter table loan_facilities add column source_principal text, add column source_request_id text;
alter table bond_issues add column source_principal text, add column source_request_id text;
alter table rectification_tallies
    add column source_principal text, add column source_request_id text;

create function anju_stamp_source() returns trigger
    language plpgsql
    as $$
    begin
        new.source_principal := anju_claim('principal');
        new.source_request_id := anju_claim('request_id');
        new.document_id := null;
        new.annex := null;
        new.source_line := null;
        new.updated_at := now();
        return new;
    end
    $$;

-- An unchanged figure value is not a write (the upsert skips it); the other tables are
-- only updated when something changes.
create trigger figures_stamp_source before insert or update on figures
    for each row when (anju_claim('principal') is not null) execute function anju_stamp_source();
create trigger fund_accounts_stamp_source before insert or update on fund_accounts
    for each row when (anju_claim('principal') is not null) execute function anju_stamp_source();
create trigger loan_facilities_stamp_source before insert or update on loan_facilities
    for each row when (anju_claim('principal') is not null) execute function anju_stamp_source();
create trigger bond_issues_stamp_source before insert or update on bond_issues
    for each row when (anju_claim('principal') is not null) execute function anju_stamp_source();
create trigger rectification_tallies_stamp_source before insert or update on rectification_tallies
    for each row when (anju_claim('principal') is not null) execute function anju_stamp_source();

-- The feed pages in (txid, id) order; a principal or an entity is an index prefix of
-- that order, so a filtered page reads only the rows it returns. A time range uses
-- changed_at; a subtree the existing (region_code, changed_at) indexes.
create index figure_revisions_principal_feed_idx on figure_revisions (principal, txid, id);
create index figure_revisions_changed_at_idx on figure_revisions (changed_at);
create index audit_log_entity_feed_idx on audit_log (entity, txid, id);
create index audit_log_principal_feed_idx on audit_log (principal, txid, id);
create index audit_log_changed_at_idx on audit_log (changed_at);

-- A document that comes again (a corrected reissue) updates imported amounts and sets
-- their published places with them; anju_forget_published_places would forget the
-- places whenever they are unchanged (0.25 → 0.30, both two places). An import says
-- so with the transaction-local setting anju.import (the document's number); every
-- other writer still has the places forgotten when it changes an amount.
create or replace function anju_forget_published_places() returns trigger
language plpgsql as $$
declare
    amount text;
    old_row jsonb := to_jsonb(old);
    new_row jsonb := to_jsonb(new);
begin
    if anju_claim('import') is not null then
        return new;
    end if;
    foreach amount in array tg_argv loop
        if new_row -> amount is distinct from old_row -> amount
           and new_row -> (amount || '_places') is not distinct from old_row -> (amount || '_places')
        then
            new := jsonb_populate_record(new, jsonb_build_object(amount || '_places', null));
        end if;
    end loop;
    return new;
end $$;
