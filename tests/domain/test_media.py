import pytest

from domain.media import media_type


@pytest.mark.parametrize(
    ("domain", "author", "text", "expected"),
    [
        ("acme.com", None, "Our new launch", "owned"),
        ("blog.acme.com", None, "Our new launch", "owned"),
        ("notacme.com", None, "Review of Acme", "earned"),
        ("news.example", "@AcmeMX", "Hola", "owned"),
        ("news.example", "fan", "Love my Acme #ad", "paid"),
        ("news.example", "fan", "Contenido patrocinado por Acme", "paid"),
        ("news.example", "fan", "Me encanta #publicidad de Acme", "paid"),
        ("news.example", "fan", "Sponsored: Acme deals", "paid"),
        ("news.example", "fan", "I added acme to my cart #adventure", "earned"),
    ],
)
def test_media_type(domain: str, author: str | None, text: str, expected: str) -> None:
    assert (
        media_type(
            domain=domain,
            author=author,
            text=text,
            owned_domains=["acme.com"],
            owned_handles=["acmemx"],
        )
        == expected
    )
