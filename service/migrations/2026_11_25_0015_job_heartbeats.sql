-- Upload jobs that never hang: the worker running a job stamps its heartbeat; a job whose
-- heartbeat stopped (its process was killed, crashed or restarted) is FAILED when read or
-- swept, and finished jobs are deleted after a retention period.
alter table upload_jobs add column heartbeat_at timestamptz not null default now();

-- the sweep finds unfinished jobs by their heartbeat, finished ones by their age
create index upload_jobs_unfinished_idx on upload_jobs (heartbeat_at)
    where status in ('QUEUED', 'RUNNING');
create index upload_jobs_finished_idx on upload_jobs (updated_at)
    where status in ('DONE', 'FAILED');

grant delete on upload_jobs to anju_app;

-- Jobs are answered uncached (service.cache.requests), so their writes need not advance
-- the data version; heartbeats and sweeps every few seconds would otherwise empty the
-- response cache as often.
drop trigger data_version_upload_jobs on upload_jobs;
