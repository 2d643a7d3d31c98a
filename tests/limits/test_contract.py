"""Clients see the limits' refusals in the contract."""

import httpx


async def test_every_operation_documents_413_and_429(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) > 30
    for operation in operations:
        assert {"413", "429"} <= set(operation["responses"]), operation["operationId"]
    too_many = document["paths"]["/api/v1/programmes"]["get"]["responses"]["429"]
    assert too_many["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert set(document["components"]["schemas"]["LimitProblem"]["required"]) == {
        "type",
        "title",
        "status",
        "detail",
        "code",
        "limit",
        "limit_value",
    }
