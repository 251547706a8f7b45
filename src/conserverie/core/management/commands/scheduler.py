"""`conserverie scheduler`: the jobs of deploy/conserverie.cron, for a machine or a container without cron.

compose.yaml runs it as the `scheduler` service, from the application's image. Each job runs once a day at its
local time (TIME_ZONE), in a process of its own, one job at a time; a job whose time went by while another one ran
runs late rather than never. At start, the jobs whose time has already passed today wait for tomorrow: a restart
never sends reminders in the middle of the night. A job that fails (exit status other than 0, or over its time
limit) is reported on standard error and e-mailed to ADMINS with the end of its output.
"""

import subprocess
import sys
import time as clock
from dataclasses import dataclass
from datetime import datetime, time

from django.core.mail import mail_admins
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

TAIL = 4000  # characters of a failed job's output in the e-mail


@dataclass(frozen=True)
class Job:
    name: str
    at: time
    argv: tuple[str, ...]
    weekday: int | None = None  # 0 = Monday; None: every day


def conserverie(*args: str) -> tuple[str, ...]:
    return (sys.executable, "-m", "conserverie", *args)


def default_jobs(backup_script: str) -> tuple[Job, ...]:
    """The same jobs and times as deploy/conserverie.cron."""
    return (
        Job("expire-offers", time(0, 5), conserverie("expire-offers")),
        Job("backup", time(3, 15), ("sh", backup_script)),
        Job("clearsessions", time(3, 45), conserverie("clearsessions")),
        Job("axes_reset_logs", time(4, 0), conserverie("axes_reset_logs", "--age", "90"), weekday=0),
        Job("retention", time(4, 30), conserverie("retention")),
        # The purchasing group: rounds whose pick-up has passed finished (uncollected back to stock), tomorrow's
        # pick-ups reminded (before the working day, not in the night).
        Job("purchasing-rounds", time(7, 45), conserverie("purchasing-rounds")),
        Job("reminders", time(9, 0), conserverie("reminders")),
        # The reminders no channel accepted, tried again (people.models.REMINDER_BACKOFF_MINUTES).
        Job("reminders-retry-11h", time(11, 0), conserverie("reminders")),
        Job("reminders-retry-14h", time(14, 0), conserverie("reminders")),
        Job("reminders-retry-18h", time(18, 0), conserverie("reminders")),
    )


class Schedule:
    def __init__(self, jobs, now: datetime):
        self.jobs = tuple(jobs)
        self.last_run = {job.name: now.date() for job in self.jobs if now.time() >= job.at}

    def due(self, now: datetime) -> list[Job]:
        return [
            job
            for job in self.jobs
            if now.time() >= job.at
            and self.last_run.get(job.name) != now.date()
            and job.weekday in (None, now.weekday())
        ]

    def mark(self, job: Job, now: datetime) -> None:
        self.last_run[job.name] = now.date()


class Command(BaseCommand):
    help = (
        "Lance chaque jour les tâches planifiées (offres expirées, sauvegarde, sessions, anonymisation, rappels) "
        "et envoie aux ADMINS celles qui échouent : le cron d'un conteneur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="affiche les tâches et leurs heures, puis s'arrête")
        parser.add_argument("--run", metavar="TÂCHE", help="lance une tâche tout de suite (un essai), puis s'arrête")
        parser.add_argument(
            "--backup-script", default="deploy/backup.sh", help="script de sauvegarde (deploy/backup.sh par défaut)"
        )
        parser.add_argument(
            "--timeout", type=int, default=2 * 60 * 60, help="durée maximale d'une tâche, en secondes (7200)"
        )
        parser.add_argument("--interval", type=int, default=30, help="secondes entre deux regards à l'horloge (30)")

    def handle(self, *args, **options):
        jobs = default_jobs(options["backup_script"])
        self.timeout = options["timeout"]
        if options["list"]:
            for job in jobs:
                day = "le lundi" if job.weekday == 0 else "chaque jour"
                self.stdout.write(f"{job.at:%H:%M} {day:<11} {job.name:<16} {' '.join(job.argv)}")
            return
        if options["run"]:
            job = next((job for job in jobs if job.name == options["run"]), None)
            if job is None:
                names = ", ".join(job.name for job in jobs)
                raise CommandError(f"Tâche inconnue : {options['run']} (tâches : {names}).")
            if not self.run_job(job):
                raise CommandError(f"La tâche {job.name} a échoué.")
            return
        schedule = Schedule(jobs, timezone.localtime())
        self.stdout.write(f"Planificateur démarré ({timezone.get_current_timezone_name()}) : {len(jobs)} tâches.")
        while True:
            now = timezone.localtime()
            for job in schedule.due(now):
                self.run_job(job)
                schedule.mark(job, now)
            clock.sleep(options["interval"])

    def run_job(self, job: Job) -> bool:
        started = clock.monotonic()
        try:
            done = subprocess.run(
                job.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=self.timeout
            )
            status, output = done.returncode, done.stdout
        except subprocess.TimeoutExpired as exc:
            output = exc.output.decode(errors="replace") if isinstance(exc.output, bytes) else exc.output or ""
            status, output = None, output + f"\n(arrêtée après {self.timeout} s)"
        except OSError as exc:
            status, output = None, str(exc)
        seconds = clock.monotonic() - started
        stamp = f"{timezone.localtime():%Y-%m-%d %H:%M:%S}"
        if output.strip():
            self.stdout.write(output.rstrip())
        if status == 0:
            self.stdout.write(f"{stamp} {job.name} : terminée en {seconds:.0f} s.")
            return True
        summary = f"{job.name} : échec (code {status}) après {seconds:.0f} s."
        self.stderr.write(f"{stamp} {summary}")
        try:
            mail_admins(
                f"Tâche planifiée en échec : {job.name}",
                f"{summary}\nCommande : {' '.join(job.argv)}\n\nFin de la sortie :\n{output[-TAIL:]}",
                fail_silently=False,
            )
        except Exception as exc:  # the job's failure is already on standard error
            self.stderr.write(f"{stamp} ADMINS non prévenus : {exc}")
        return False
