"""The `escucha` command line."""

import json
import sys
from typing import Annotated

import typer

from cli.ports import PortInUseError, check_port_free
from cli.up import run_up
from core.db import session_scope
from core.logging import configure_logging
from core.migrate import upgrade_to_head
from core.settings import get_settings

app = typer.Typer(help="Escucha: brand-mention listening.", no_args_is_help=True)
workspace_app = typer.Typer(help="Workspaces (one per team or client).", no_args_is_help=True)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(workspace_app, name="workspace")
app.add_typer(key_app, name="key")

HostOpt = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOpt = Annotated[int, typer.Option(help="Port to listen on.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object only.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", help="No banner (as `escucha up` runs it).")]


def _prepare() -> None:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    configure_logging()


@app.command()
def up(host: HostOpt = "127.0.0.1", port: PortOpt = 8000) -> None:
    """Everything on one machine: migrate, then the API, a worker and the scheduler."""
    _port_or_exit(host, port)
    _prepare()
    raise typer.Exit(run_up(host=host, port=port))


@app.command()
def api(host: HostOpt = "127.0.0.1", port: PortOpt = 8000) -> None:
    """The REST API alone."""
    import uvicorn

    _port_or_exit(host, port)
    _prepare()
    uvicorn.run("api.app:app", host=host, port=port, log_level="info", access_log=False)


def _port_or_exit(host: str, port: int) -> None:
    try:
        check_port_free(host, port)
    except PortInUseError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command()
def worker(
    concurrency: Annotated[
        int, typer.Option(help="Pool processes (default ESCUCHA_WORKER_CONCURRENCY, 2).")
    ] = 0,
    pool: Annotated[str, typer.Option(help="prefork, threads or solo.")] = "prefork",
    quiet: QuietOpt = False,
) -> None:
    """A Celery worker that polls sources."""
    from workers.app import celery_app

    _prepare()
    settings = get_settings()
    argv = ["worker", "-l", settings.log_level, "-Q", "escucha", "--pool", pool]
    argv += ["--concurrency", str(concurrency or settings.worker_concurrency)]
    celery_app.worker_main([*(["--quiet"] if quiet else []), *argv])


@app.command()
def beat(quiet: QuietOpt = False) -> None:
    """The scheduler: every tick it queues a poll for each source that is due."""
    from workers.app import celery_app

    _prepare()
    celery_app.start([*(["--quiet"] if quiet else []), "beat", "-l", get_settings().log_level])


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    _prepare()
    upgrade_to_head(get_settings().resolved_database_url())
    typer.echo("database is at the latest schema")


@workspace_app.command("create")
def workspace_create(name: str, as_json: JsonOpt = False) -> None:
    """Create a workspace and print its first API key (shown once)."""
    from services.errors import ConflictError, InvalidInputError
    from services.workspaces import create_workspace_with_key

    _prepare()
    try:
        with session_scope() as session:
            new = create_workspace_with_key(session, name=name)
    except (ConflictError, InvalidInputError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    _print_key(new.workspace_id, new.api_key, as_json)


@key_app.command("create")
def key_create(
    workspace: Annotated[int, typer.Option("--workspace", help="Workspace id.")],
    as_json: JsonOpt = False,
) -> None:
    """Create another API key for a workspace (shown once)."""
    from services.workspaces import create_key

    _prepare()
    try:
        with session_scope() as session:
            new = create_key(session, workspace_id=workspace)
    except LookupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    _print_key(new.workspace_id, new.api_key, as_json)


def _print_key(workspace_id: int, api_key: str, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps({"workspace_id": workspace_id, "api_key": api_key}) + "\n")
        return
    typer.echo(f"workspace id: {workspace_id}")
    typer.echo(f"API key (shown once, store it now): {api_key}")


@app.command()
def poll(
    brand: Annotated[int | None, typer.Option("--brand", help="Only this brand's sources.")] = None,
    source: Annotated[int | None, typer.Option("--source", help="Only this source.")] = None,
) -> None:
    """Poll now, in this process, and print what each source gave. A source this process's
    settings cannot poll (a private host refused, credentials not set) is not polled, and its
    state is left as the service keeps it."""
    from cli.preflight import environment_problem
    from models.sources import all_source_ids
    from services.polling import poll_source

    _prepare()
    settings = get_settings()
    with session_scope() as session:
        ids = all_source_ids(session, brand_id=brand, source_id=source)
        problems = {i: environment_problem(session, i, settings) for i in ids}
    if not ids:
        typer.echo("no sources to poll")
        raise typer.Exit(1 if (brand or source) else 0)
    failed = 0
    for number, source_id in enumerate(ids, start=1):
        problem = problems[source_id]
        if problem is not None:
            typer.echo(f"[{number}/{len(ids)}] source {source_id}: {problem}")
            failed += 1
            continue
        report = poll_source(source_id, force=True)
        line = f"[{number}/{len(ids)}] source {source_id}: {report.status}"
        if report.status == "ok":
            line += f", {report.items} items, {report.matched} matched, {report.new} new"
            line += " (not modified)" if report.not_modified else ""
            line += f", {report.skipped} unreadable skipped" if report.skipped else ""
        elif report.error:
            line += f": {report.error}"
        failed += report.status == "failed"
        typer.echo(line)
    raise typer.Exit(1 if failed else 0)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
