"""`conserverie scheduler`: the cron of a container; jobs once a day at their time, failures mailed to ADMINS."""

import sys
from datetime import datetime, time
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conserverie.core.management.commands.scheduler import Command, Job, Schedule, default_jobs

JOBS = default_jobs("deploy/backup.sh")
CRON = Path(__file__).resolve().parents[2] / "deploy" / "conserverie.cron"


PARIS = ZoneInfo("Europe/Paris")


def names(jobs) -> list[str]:
    return [job.name for job in jobs]


def cron_jobs() -> set[tuple[str, str, str]]:
    """(HH:MM, day of week, job) of each line of deploy/conserverie.cron."""
    jobs = set()
    for line in CRON.read_text(encoding="utf-8").splitlines():
        if "with-env.sh" not in line or line.startswith("#"):
            continue
        minute, hour, _day, _month, weekday, _user, _env, program, *args = line.split()
        name = program.rsplit("/", 1)[-1].removesuffix(".sh") if program.endswith(".sh") else args[0]
        jobs.add((f"{int(hour):02}:{int(minute):02}", weekday, name))
    return jobs


def test_the_jobs_and_times_of_the_cron_file():
    # A job's command: the conserverie command it runs (the retries of "reminders" have names of their own).
    command = {job.name: job.argv[3] if job.argv[1:3] == ("-m", "conserverie") else job.name for job in JOBS}
    ours = {(f"{job.at:%H:%M}", "*" if job.weekday is None else "1", command[job.name]) for job in JOBS}
    assert ours == cron_jobs()


def test_a_start_in_the_morning_waits_for_the_next_times():
    schedule = Schedule(JOBS, datetime(2026, 6, 10, 8, 0, tzinfo=PARIS))  # a Wednesday
    assert schedule.due(datetime(2026, 6, 10, 8, 30, tzinfo=PARIS)) == []
    assert names(schedule.due(datetime(2026, 6, 10, 9, 0, tzinfo=PARIS))) == ["reminders"]
    # The reminders the provider refused are tried again at 11:00, 14:00 and 18:00 (issue 17).
    for hour in (9, 11, 14, 18):
        now = datetime(2026, 6, 10, hour, 0, tzinfo=PARIS)
        (job,) = schedule.due(now)
        assert job.argv[-1] == "reminders"
        schedule.mark(job, now)
    assert names(JOBS[-4:]) == ["reminders", "reminders-retry-11h", "reminders-retry-14h", "reminders-retry-18h"]
    assert schedule.due(datetime(2026, 6, 10, 23, 59, tzinfo=PARIS)) == []


def test_a_job_whose_minute_went_by_runs_late_never_twice():
    schedule = Schedule(JOBS, datetime(2026, 6, 10, 23, 0, tzinfo=PARIS))
    night = datetime(2026, 6, 11, 3, 50, tzinfo=PARIS)  # the loop was busy from 00:05 to 03:50
    assert names(schedule.due(night)) == ["expire-offers", "backup", "clearsessions"]
    for job in schedule.due(night):
        schedule.mark(job, night)
    assert schedule.due(datetime(2026, 6, 11, 3, 55, tzinfo=PARIS)) == []


def test_the_weekly_job_runs_on_mondays_only():
    schedule = Schedule(JOBS, datetime(2026, 6, 14, 23, 0, tzinfo=PARIS))  # a Sunday
    assert "axes_reset_logs" not in names(schedule.due(datetime(2026, 6, 14, 23, 30, tzinfo=PARIS)))
    assert "axes_reset_logs" in names(schedule.due(datetime(2026, 6, 15, 4, 0, tzinfo=PARIS)))


def test_list_shows_the_times():
    out = StringIO()
    call_command("scheduler", "--list", stdout=out)
    assert "09:00 chaque jour reminders" in out.getvalue()
    assert "04:00 le lundi" in out.getvalue()


def test_an_unknown_job_is_refused():
    with pytest.raises(CommandError, match="Tâche inconnue"):
        call_command("scheduler", "--run", "nothing")


def run(job: Job) -> tuple[bool, str, str]:
    command = Command(stdout=StringIO(), stderr=StringIO())
    command.timeout = 60
    ok = command.run_job(job)
    return ok, command.stdout._out.getvalue(), command.stderr._out.getvalue()


def test_a_job_that_succeeds_is_logged_and_mails_nobody(settings, mailoutbox):
    settings.ADMINS = [("Tech", "tech@example.org")]
    ok, out, err = run(Job("essai", time(0), (sys.executable, "-c", "print('3 rappels envoyés')")))
    assert ok
    assert "3 rappels envoyés" in out
    assert "essai : terminée" in out
    assert err == ""
    assert mailoutbox == []


def test_a_job_that_fails_is_mailed_to_the_admins(settings, mailoutbox):
    settings.ADMINS = [("Tech", "tech@example.org")]
    code = "import sys; print('début'); sys.exit('base de données injoignable')"
    ok, _out, err = run(Job("essai", time(0), (sys.executable, "-c", code)))
    assert not ok
    assert "essai : échec (code 1)" in err
    [message] = mailoutbox
    assert message.to == ["tech@example.org"]
    assert message.subject == "[Conserverie] Tâche planifiée en échec : essai"
    assert "base de données injoignable" in message.body


def test_a_job_that_cannot_start_is_mailed_too(settings, mailoutbox):
    settings.ADMINS = [("Tech", "tech@example.org")]
    ok, _out, err = run(Job("essai", time(0), ("/nonexistent/command",)))
    assert not ok
    assert "échec" in err
    assert len(mailoutbox) == 1
