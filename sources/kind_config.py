"""What a source of each kind takes: every adapter declares its own typed config.

A config is a pydantic model of the fields a user gives for that kind (a feed's `url`, a
Google News `locale`, a Mastodon `instance` and `hashtag`...), with their limits. The API's
request schemas are built from them (`sources.registry.source_create_schema`), and the
service checks a new or edited source with them (`KindConfig.checked` normalizes and
refuses what the shape alone cannot say: a private host, an unknown locale). Adding a kind
is adding an adapter with its config to the registry; nothing else lists kinds or fields.
"""

from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sources.netguard import validate_feed_url


class KindConfig(BaseModel):
    """The fields one kind of source takes; none by default (Hacker News, Bluesky without
    a `search` of their own)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # What to say when a required field is missing ({kind} is filled in).
    needs: ClassVar[str] = "a {kind} source is missing a required field"

    def checked(self, *, allow_private: bool) -> Self:
        """The config normalized; ValueError (or UnsafeURLError) with a message for the
        user when a value cannot be used."""
        return self


class SearchConfig(KindConfig):
    """A search source: the brand's query is searched unless a `search` is given."""

    search: str | None = Field(default=None, min_length=1, max_length=1000)

    @field_validator("search")
    @classmethod
    def search_has_words(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("`search` is empty: leave it out to search for the brand's query")
        return value


def checked_url(url: str, *, allow_private: bool) -> str:
    """A user's URL checked for form and target (no private hosts unless allowed)."""
    return validate_feed_url(url, allow_private=allow_private)


def config_error(error: ValidationError, model: type[KindConfig], kind: str) -> str:
    """What to tell the user about fields that do not fit `kind`'s config `model`."""
    first = error.errors()[0]
    if first["type"] == "missing":
        return model.needs.format(kind=kind)
    message = str(first["msg"]).removeprefix("Value error, ")
    where = ".".join(str(part) for part in first["loc"])
    return message if "`" in message else f"`{where}`: {message}"
