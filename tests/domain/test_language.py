"""Language detection of short mentions."""

import pytest

from domain.language import clean_for_detection, detect_language

SPANISH = [
    "No puedo creer que el pedido llegara roto otra vez",
    "Qué buen servicio el de hoy, me atendieron súper rápido",
    "@soporte llevo tres días sin internet y nadie me responde",
    "La nueva tienda del centro está padrísima, vayan a verla",
    "Pésima atención en la sucursal de Monterrey, nunca más",
    "Me encanta el café de aquí, es el mejor de Madrid",
    "¿Alguien sabe si mañana abren el banco? https://t.co/abc123",
    "Holaaaa, gracias por la ayuda con mi reclamación!!",
    "Otra vez sin servicio en todo el barrio, qué vergüenza",
    "Tengo que decir que la app funciona de maravilla ahora",
]
ENGLISH = [
    "I can't believe my order arrived broken again",
    "Great service today, they helped me super fast",
    "@support three days without internet and nobody answers",
    "The new store downtown is awesome, go check it out",
    "Worst customer care ever at the Chicago branch",
    "Loving the coffee here, best in town #coffee",
    "Does anyone know if the bank opens tomorrow? https://t.co/abc123",
    "Sooooo happy with my new phone!!",
    "The app keeps crashing every time I open it",
    "Honestly the update made everything so much better",
]


@pytest.mark.parametrize("text", SPANISH)
def test_spanish_tweets(text: str) -> None:
    assert detect_language(text) == "es"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_tweets(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Obrigado pela ajuda, o atendimento foi ótimo hoje", "pt"),
        ("Merci beaucoup pour votre aide, le service était parfait", "fr"),
        ("Vielen Dank für die schnelle Hilfe, alles funktioniert wieder", "de"),
        ("Grazie mille per l'aiuto, il servizio è stato perfetto", "it"),
        ("Moltes gràcies per l'ajuda, el servei ha estat perfecte", "ca"),
    ],
)
def test_other_supported_languages(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    ["", "   ", "ok", "👍👍👍", "https://t.co/abc123 @someone #tag", "123 456 !!!", "Cristi"],
)
def test_too_short_or_unsure_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_cleaning_drops_urls_handles_hashtags_and_elongation() -> None:
    assert clean_for_detection("@ana holaaaa https://x.co/a #TeAmo &amp; bien") == "hola bien"
