"""The export (issue 14, items 5, 8 and 17): formula cells neutralised, a UTF-8 BOM for
Excel, everything checked before the first byte, a failure midway visible."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.routes.mentions import _guarded, csv_value
from tests.api.conftest import Tenant
from tests.support.data import ingest, item
from tests.support.reports import make_brand, make_source

HOSTILE_AUTHORS = ["\t=4+4", "\r=5+5", "\n=6+6", "  =1+1", "+1", "-2+3", "@SUM(A1)", "=HYPERLINK()"]


@pytest.fixture
def brand(client: TestClient, tenant: Tenant) -> int:
    brand_id = make_brand(client, tenant, name="Café", query="acme")
    source = make_source(client, tenant, brand_id, "rss", datetime.now(UTC) - timedelta(days=9))
    now = datetime.now(UTC)
    ingest(brand_id, source, [
        item(f"Acme {n} ñandú", f"https://e.example/{n}", now - timedelta(hours=n + 1),
             author=author)
        for n, author in enumerate(HOSTILE_AUTHORS)
    ])  # fmt: skip
    return brand_id


def test_every_formula_start_is_neutralised(client: TestClient, tenant: Tenant, brand: int) -> None:
    response = client.get(
        f"/v1/mentions/export?brand_id={brand}&format=csv&bom=false", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(row["author"] for row in rows) == sorted("'" + a for a in HOSTILE_AUTHORS)
    assert all(not row["author"].lstrip().startswith(("=", "+", "-", "@")) for row in rows)


@pytest.mark.parametrize("value", ["\t=1", "\r=1", "\n=1", " \t =1", "=1", "+1", "-1", "@1"])
def test_csv_value_neutralises(value: str) -> None:
    assert csv_value(value) == "'" + value


@pytest.mark.parametrize("value", ["Acme", " plain", "", "a=1", 5, -3.5, None])
def test_csv_value_leaves_plain_values(value: object) -> None:
    assert csv_value(value) == value


def test_csv_starts_with_a_bom_for_excel_unless_told_not_to(
    client: TestClient, tenant: Tenant, brand: int
) -> None:
    url = f"/v1/mentions/export?brand_id={brand}&format=csv"
    with_bom = client.get(url, headers=tenant.headers)
    assert with_bom.content.startswith(b"\xef\xbb\xbfid,brand_id,")
    assert with_bom.headers["content-type"] == "text/csv; charset=utf-8"
    assert "ñandú" in with_bom.content.decode("utf-8-sig")
    without = client.get(
        f"/v1/mentions/export?brand_id={brand}&format=csv&bom=0", headers=tenant.headers
    )
    assert without.content.startswith(b"id,brand_id,")
    ndjson = client.get(f"/v1/mentions/export?brand_id={brand}", headers=tenant.headers)
    assert ndjson.content.startswith(b"{")  # no BOM in NDJSON
    assert ndjson.headers["content-type"] == "application/x-ndjson"


def test_a_datetime_without_offset_exports_rows_not_an_empty_200(
    client: TestClient, tenant: Tenant, brand: int
) -> None:
    since = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")
    response = client.get(f"/v1/mentions/export?since={since}", headers=tenant.headers)
    assert response.status_code == 200
    assert len(response.text.splitlines()) == len(HOSTILE_AUTHORS)


@pytest.mark.parametrize(
    "query", ["since=yesterday", "q=(", "brand_id=999999", "format=xlsx", "limit=10"]
)
def test_bad_export_parameters_answer_an_error_not_a_file(
    client: TestClient, tenant: Tenant, brand: int, query: str
) -> None:
    response = client.get(f"/v1/mentions/export?{query}", headers=tenant.headers)
    assert response.status_code in (404, 422), response.text
    assert "attachment" not in response.headers.get("content-disposition", "")


def _failing_after(chunks: list[bytes]) -> Iterator[bytes]:
    yield from chunks
    raise RuntimeError("the database went away")


def test_a_failure_midway_ends_with_a_line_saying_so_and_the_error() -> None:
    sent: list[bytes] = []
    with pytest.raises(RuntimeError):
        for chunk in _guarded(_failing_after([b"a\n", b"b\n"]), b"#ERROR: incomplete\n"):
            sent.append(chunk)
    assert sent == [b"a\n", b"b\n", b"#ERROR: incomplete\n"]


def test_a_failure_before_the_first_byte_is_raised_as_it_is() -> None:
    with pytest.raises(RuntimeError):
        next(_guarded(_failing_after([]), b"#ERROR\n"))
