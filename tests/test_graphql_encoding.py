"""GraphQL answers are UTF-8 as written: no \\uXXXX escapes of Chinese names."""

import httpx


async def test_chinese_names_are_sent_as_utf8(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": '{ region(code: "360000") { name } }'})
    assert response.status_code == 200
    assert response.content == '{"data":{"region":{"name":"江西省"}}}'.encode()
