-- Indexes for the hot reads at national scale, so that each reads only the rows it
-- returns. Figures of a region, a subtree or the nested tree (with or without year,
-- programme, indicator and kind) use the unique key (region_code, year, indicator_id,
-- kind); one indicator across the nation uses figures_indicator_year_idx.

-- Values as they stood at a moment: the history of the regions asked for, per figure.
create index figure_revisions_asof_idx
    on figure_revisions (region_code, year, indicator_id, figure_id, revision desc);

-- The year a document's values belong to (consistency report, milestones): one probe
-- per stated value or milestone instead of a scan of every imported row.
create index figure_revisions_document_idx
    on figure_revisions (document_id, annex, region_code, year) where document_id is not null;
create index figure_revisions_document_year_idx
    on figure_revisions (document_id, year) where document_id is not null;
create index fund_accounts_document_idx
    on fund_accounts (document_id, annex, region_code, year) where document_id is not null;
create index loan_facilities_document_idx
    on loan_facilities (document_id, annex, region_code, year) where document_id is not null;
create index bond_issues_document_idx
    on bond_issues (document_id, annex, region_code, year) where document_id is not null;

-- Statistics of the figures' region column are skewed by a national load; a larger
-- sample keeps the planner's estimates per region close.
alter table figures alter column region_code set statistics 1000;
