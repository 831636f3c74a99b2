from fastapi.testclient import TestClient
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from tests.api.conftest import Tenant


def test_english_is_scored_by_vader_exactly(client: TestClient, tenant: Tenant) -> None:
    text = "The new Acme phone is great, I love it!"
    body = {"texts": [text], "language": "en"}
    result = client.post("/v1/sentiment/score", json=body, headers=tenant.headers).json()
    [scored] = result["results"]
    expected = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert abs(scored["compound"] - expected) < 1e-9
    assert scored == {"compound": scored["compound"], "label": "positive", "language": "en",
                      "model": "vader"}  # fmt: skip


def test_spanish_is_detected_and_scored_by_the_spanish_model(
    client: TestClient, tenant: Tenant
) -> None:
    texts = ["El servicio de Lumbre es una estafa, no funciona nada", "Me encanta, súper chido"]
    body = {"texts": texts, "language": None}
    results = client.post("/v1/sentiment/score", json=body, headers=tenant.headers).json()[
        "results"
    ]
    assert [r["language"] for r in results] == ["es", "es"]
    assert [r["label"] for r in results] == ["negative", "positive"]
    assert all(r["model"] != "vader" for r in results)


def test_limits_and_auth(client: TestClient, tenant: Tenant) -> None:
    too_many = {"texts": ["x"] * 1001}
    assert (
        client.post("/v1/sentiment/score", json=too_many, headers=tenant.headers).status_code == 422
    )
    bad_language = {"texts": ["x"], "language": "klingon"}
    assert (
        client.post("/v1/sentiment/score", json=bad_language, headers=tenant.headers).status_code
        == 422
    )
    assert client.post("/v1/sentiment/score", json={"texts": []}).status_code == 401
