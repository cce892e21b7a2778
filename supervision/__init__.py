"""节能监察 case management: the application factory (wiring only)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from . import cli, extensions
from .extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("SUPERVISION_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)

    from .core import access, audit, database, errors, i18n, security, tables
    from .core.converters import IsoDateConverter

    app.url_map.converters["isodate"] = IsoDateConverter

    database.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)
    access.init_app(app)
    audit.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    tables.init_app(app)

    from .accounts import bp as accounts_bp
    from .annexes import bp as annexes_bp
    from .api import bp as api_bp
    from .audit import bp as audit_bp
    from .auth import bp as auth_bp
    from .calendar import bp as calendar_bp
    from .daily import bp as daily_bp
    from .datacentres import bp as datacentres_bp
    from .disclosure import bp as disclosure_bp
    from .enterprises import bp as enterprises_bp
    from .followup import bp as followup_bp
    from .home import bp as home_bp
    from .imports import bp as imports_bp
    from .industries import bp as industries_bp
    from .inspections import bp as inspections_bp
    from .organisations import bp as organisations_bp
    from .pilots import bp as pilots_bp
    from .plans import bp as plans_bp
    from .rectification import bp as rectification_bp
    from .reference import bp as reference_bp
    from .reminders import bp as reminders_bp
    from .reviews import bp as reviews_bp
    from .summaries import bp as summaries_bp
    from .tasks import bp as tasks_bp
    from .verification import bp as verification_bp

    for blueprint in (
        home_bp,
        auth_bp,
        accounts_bp,
        organisations_bp,
        audit_bp,
        calendar_bp,
        plans_bp,
        industries_bp,
        enterprises_bp,
        tasks_bp,
        imports_bp,
        api_bp,
        annexes_bp,
        inspections_bp,
        datacentres_bp,
        reference_bp,
        rectification_bp,
        disclosure_bp,
        reminders_bp,
        verification_bp,
        reviews_bp,
        pilots_bp,
        daily_bp,
        summaries_bp,
        followup_bp,
    ):
        app.register_blueprint(blueprint)

    cli.init_app(app)
    return app


def _configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_object("config.Config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(prefix="SUPERVISION")
    if test_config:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'supervision.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _sqlalchemy_url(app.config["DATABASE_URL"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    if app.config.get("HTTPS"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")


def _sqlalchemy_url(url: str) -> str:
    """Accept the usual ``postgresql://`` spelling and use the psycopg 3 driver for it."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret_key(instance: Path) -> str:
    """A random key generated on first start and kept in the instance folder (mode 600)."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        # Write aside, then link into place: the web server and the scheduler may start
        # together, and neither must ever read a half-written key.
        draft = instance / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


__all__ = ["create_app", "extensions"]
