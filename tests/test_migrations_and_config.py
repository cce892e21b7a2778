"""The schema comes from the migrations; configuration comes from file, instance, environment."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from supervision import _sqlalchemy_url, create_app
from supervision.extensions import db


def test_migrations_build_exactly_the_models_schema(database):
    """The test schema was built by `upgrade()`; it must match the models to the column."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(database):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_environment_overrides_instance_file_overrides_defaults(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('PAGE_SIZE = 40\nSMTP_HOST = "mail.instance"\n')
    monkeypatch.setenv("SUPERVISION_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SUPERVISION_SMTP_HOST", "mail.env")
    monkeypatch.setenv("SUPERVISION_DATABASE_URL", "postgresql://u:p@db.example/supervision")
    app = create_app()
    assert app.config["PAGE_SIZE"] == 40  # instance file over the committed default
    assert app.config["SMTP_HOST"] == "mail.env"  # environment over the instance file
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/supervision"
    )
    assert app.config["TIMEZONE"] == "Asia/Shanghai"


def test_default_database_and_secret_key_live_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERVISION_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SUPERVISION_DATABASE_URL", raising=False)
    monkeypatch.delenv("SUPERVISION_SECRET_KEY", raising=False)
    first = create_app()
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'supervision.sqlite'}"
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(first.config["SECRET_KEY"]) == 64
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]  # kept, not regenerated
    monkeypatch.setenv("SUPERVISION_SECRET_KEY", "from-the-environment")
    assert create_app().config["SECRET_KEY"] == "from-the-environment"


def test_https_setting_makes_cookies_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERVISION_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SUPERVISION_HTTPS", "1")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_database_url_spellings():
    assert _sqlalchemy_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert _sqlalchemy_url("postgresql+psycopg://a@b/c") == "postgresql+psycopg://a@b/c"
    assert _sqlalchemy_url("sqlite:////x.db") == "sqlite:////x.db"
