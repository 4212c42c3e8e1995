"""Administration: users with roles, jobcentres, questionnaire versions with new wordings."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse

from bip.web.core.models import Caseworker, Jobcenter, Measurement, QuestionnaireVersion


def test_admin_creates_jobcentre_and_caseworker_login(login, world):
    client = login("admin")
    r = client.post(reverse("admin_jobcenters"), {"jobcenter_id": "JC9", "name": "Nyby"})
    assert r.status_code == 302
    jc = Jobcenter.objects.get(jobcenter_id="JC9")
    r = client.post(
        reverse("admin_users"),
        {
            "username": "ny",
            "full_name": "Ny Bruger",
            "role": "caseworker",
            "jobcenter": jc.pk,
            "password": "a long passphrase 2024!",
        },
    )
    assert r.status_code == 302
    u = get_user_model().objects.get(username="ny")
    assert u.profile.role == "caseworker" and u.profile.jobcenter == jc
    assert Caseworker.objects.get(user=u).jobcenter == jc
    # weak password and a caseworker without jobcentre are refused
    r = client.post(
        reverse("admin_users"), {"username": "svag", "role": "caseworker", "password": "123"}
    )
    assert r.status_code == 400 and set(r.context["form"].errors) == {"jobcenter", "password"}
    assert not get_user_model().objects.filter(username="svag").exists()


def test_new_questionnaire_version_is_used_for_new_measurements(login, world, full_values):
    client = login("admin")
    r = client.get(reverse("admin_versions"))
    data = {k: (v if v is not None else "") for k, v in r.context["form"].initial.items()}
    data.update({name: f.initial for name, f in r.context["form"].fields.items()})
    data["B1_da"] = "Ved du, hvilket arbejde du gerne vil have?"
    data["B1_en"] = "Do you know what work you would like?"
    r = client.post(reverse("admin_versions"), data)
    assert r.status_code == 302
    assert list(QuestionnaireVersion.objects.values_list("version", flat=True)) == [2, 1]
    client = login("caseworker")
    c = world.citizens["A"]
    html = client.get(reverse("measurement_new", args=[c.citizen_id, "both"])).content.decode()
    assert "Ved du, hvilket arbejde du gerne vil have?" in html
    client.post(
        reverse("measurement_new", args=[c.citizen_id, "both"]),
        {**full_values(dt.date(2024, 4, 1)), "idempotency_key": "v2"},
    )
    assert Measurement.objects.get(idempotency_key="v2").questionnaire_version == 2
    assert Measurement.objects.get(pk=world.measurements["A"].pk).questionnaire_version == 1


def test_admin_deactivates_a_login(login, world, client):
    admin = login("admin")
    r = admin.post(reverse("admin_users"), {"toggle_active": "caseworkerA"})
    assert r.status_code == 302
    assert not get_user_model().objects.get(username="caseworkerA").is_active
    client.logout()
    r = client.post(reverse("login"), {"username": "caseworkerA", "password": world.password})
    assert "_auth_user_id" not in client.session


def _zip(folder):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in folder.iterdir():
            z.write(f, f"ds/{f.name}")
    buf.seek(0)
    buf.name = "ds.zip"
    return buf


def test_admin_imports_a_zipped_dataset_all_or_nothing(login, world, tmp_path):
    from bip.dataset import write_dataset
    from bip.dataset.example import example_tables
    from bip.web.core.models import Citizen

    good = write_dataset(example_tables(), tmp_path / "good", "csv")
    bad = write_dataset(example_tables(), tmp_path / "bad", "csv")
    p = bad / "measurements.csv"
    lines = p.read_text().splitlines()
    lines[2] = lines[2].replace(",2014-", ",2014-13-", 1)
    p.write_text("\n".join(lines) + "\n")
    client = login("admin")
    before = Citizen.objects.count()
    r = client.post(reverse("admin_import"), {"dataset": _zip(bad)}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "measurements.csv" in r.content.decode()
    assert r.context["problems"][0].line == 3
    assert Citizen.objects.count() == before
    r = client.post(reverse("admin_import"), {"dataset": _zip(good)})
    assert r.status_code == 302 and Citizen.objects.count() == before + 4
    r = client.post(reverse("admin_import"), {"dataset": _zip(good)})
    assert r.status_code == 409 and Citizen.objects.count() == before + 4
