"""The registry is the one list of kinds: the API's source schemas come from the adapters'
typed configs."""

import pytest
from pydantic import TypeAdapter, ValidationError

from api.app import create_app
from api.schemas import SourceCreate, SourceUpdate
from sources.google_news import GoogleNewsConfig
from sources.kind_config import SearchConfig
from sources.reddit import RedditConfig
from sources.registry import ADAPTERS, FIELD_KINDS, SOURCE_KINDS, config_model


def test_every_adapter_declares_its_config() -> None:
    assert tuple(ADAPTERS) == SOURCE_KINDS
    for kind, adapter in ADAPTERS.items():
        assert adapter.kind == kind
        assert config_model(kind) is adapter.config_model
    assert FIELD_KINDS["url"] == ("rss", "google_alerts")
    assert FIELD_KINDS["hashtag"] == ("mastodon",)
    assert set(FIELD_KINDS["search"]) == {"reddit", "google_news", "hackernews", "bluesky"}


def test_the_create_schema_is_one_model_per_kind_told_apart_by_kind() -> None:
    create: TypeAdapter[object] = TypeAdapter(SourceCreate)
    made = create.dump_python(
        create.validate_python({"kind": "mastodon", "instance": "m.test", "hashtag": "x"})
    )
    assert made == {
        "kind": "mastodon",
        "instance": "m.test",
        "hashtag": "x",
        "interval_seconds": 900,
    }
    with pytest.raises(ValidationError, match="extra"):
        create.validate_python({"kind": "rss", "url": "https://e.test/f", "hashtag": "x"})
    with pytest.raises(ValidationError, match="url"):
        create.validate_python({"kind": "google_alerts"})
    with pytest.raises(ValidationError, match="search"):
        create.validate_python({"kind": "hackernews", "search": "   "})


def test_the_update_schema_takes_every_config_field() -> None:
    assert set(SourceUpdate.model_fields) == {*FIELD_KINDS, "interval_seconds", "status"}


def test_the_openapi_document_lists_each_kind_with_its_fields() -> None:
    document = create_app().openapi()
    schemas = document["components"]["schemas"]
    assert set(schemas["RssSourceCreate"]["required"]) == {"url", "kind"}
    assert set(schemas["MastodonSourceCreate"]["required"]) == {"instance", "hashtag", "kind"}
    assert "url" not in schemas["HackernewsSourceCreate"]["properties"]


def test_configs_normalize_what_they_take() -> None:
    checked = GoogleNewsConfig(locale="es-419:mx").checked(allow_private=False)
    assert checked.locale == "es-419:MX"
    assert RedditConfig(subreddit="/r/Mexico/").checked(allow_private=False).subreddit == "Mexico"
    assert SearchConfig().checked(allow_private=False) == SearchConfig()
    with pytest.raises(ValueError, match="language:COUNTRY"):
        GoogleNewsConfig(locale="Mexico").checked(allow_private=False)
