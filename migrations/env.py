"""Alembic environment: the URL from the app's config, the metadata from talkzone.models."""

from alembic import context
from sqlalchemy import create_engine

from talkzone.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
if not url:
    from portal import create_app

    url = create_app().config["DATABASE_URL"]


def run_migrations_offline() -> None:
    context.configure(
        url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=url.startswith("sqlite")
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=url.startswith("sqlite")
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
