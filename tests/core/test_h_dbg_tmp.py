from ..economics.test_replication_pages import STEP1, STEP2, formset
from .test_robustness_replication import KIT, STEP3
from ..pages import text
from conserverie.territories.models import Territory, Structure
def test_dbg(client, coordinator, chain):
    client.force_login(coordinator)
    for v in ("91", "-90.5"):
        r = client.post(KIT, {**STEP1, "hub_lat": v}); print(v, r.status_code)
        r = client.post(f"{KIT}lieux/", STEP2); print("places", r.status_code)
        if r.status_code == 422:
            import re; print(re.findall(r'(?:invalid-feedback|alert-danger|errorlist)[^<]*<?[^<]*', text(r))[:5])
        r = client.post(f"{KIT}confirmer/", STEP3); print("confirm", r.status_code)
    structures = [{"name": "Centre social", "kind": "social_centre", "city": "Crest"}]
    step2 = {**formset("structures", structures * 2, 4), **formset("sites", [], 6)}
    r = client.post(KIT, STEP1); print(r.status_code)
    r = client.post(f"{KIT}lieux/", step2); print("places", r.status_code)
    print(client.session["replication"])
    r = client.post(f"{KIT}confirmer/", STEP3); print("confirm", r.status_code)
    print(list(Structure.objects.values_list("territory__slug", "name")))
