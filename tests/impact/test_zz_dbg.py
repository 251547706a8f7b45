from tests.impact.test_flower_pages import *  # noqa
def test_dbg(coord_client, flower):
    page = text(coord_client.get(petal_url(flower.dimensions[0])))
    import re
    body = page.split('<main',1)[-1]
    print(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))[:3000])
    assert 0
