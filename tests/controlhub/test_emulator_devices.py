"""The emulated device APIs: fields, filters, pages, delete, who may call."""

import pytest
from flask import Flask

from emulator import Emulator, seed_demo
from emulator.app import create_app
from emulator.devices import DeviceStore, register_devices


@pytest.fixture
def org():
    emu = Emulator()
    org = seed_demo(emu)
    store = DeviceStore(org_id=emu.directory.org_id)
    store.add_admin(org["people"]["admin"]["id"])
    app = create_app(emu)
    register_devices(app, store)
    return {**org, "emu": emu, "store": store, "client": app.test_client()}


def _auth(org, key="admin"):
    return {"Authorization": f"Bearer {org['tokens'][key]}"}


def _person(org, key):
    return org["people"][key]["id"]


def test_a_webex_go_device_has_the_documented_fields(org):
    device = org["store"].add_webexgo_device(_person(org, "alice"))

    got = org["client"].get(f"/v1/devices/{device['id']}", headers=_auth(org))

    body = got.get_json()
    assert got.status_code == 200 and body == device
    assert body["personId"] == _person(org, "alice")
    assert body["orgId"] == org["emu"].directory.org_id
    assert (body["product"], body["type"]) == ("Webex Go", "webexgo")
    assert body["connectionStatus"] == "activating"
    assert {"id", "displayName", "created", "callingDeviceId"} <= set(body)


def test_the_person_devices_list_shows_the_esim(org):
    alice = _person(org, "alice")
    device = org["store"].add_webexgo_device(alice, "connected", "ACTIVATED")

    got = org["client"].get(
        f"/v1/telephony/config/people/{alice}/devices", headers=_auth(org)
    )

    (phone,) = got.get_json()["devices"]
    assert phone["id"] == device["callingDeviceId"]
    assert (phone["modelType"], phone["activationState"]) == ("ESIM", "ACTIVATED")
    assert phone["owner"] == {"id": alice, "type": "PEOPLE"}
    assert got.get_json()["maxDeviceCount"] >= 1


def test_list_filters_by_person_and_type(org):
    store = org["store"]
    alice = store.add_webexgo_device(_person(org, "alice"))
    store.add_webexgo_device(_person(org, "bob"))

    mine = org["client"].get(
        "/v1/devices",
        query_string={"type": "webexgo", "personId": _person(org, "alice")},
        headers=_auth(org),
    )
    phones = org["client"].get(
        "/v1/devices", query_string={"type": "phone"}, headers=_auth(org)
    )

    assert [d["id"] for d in mine.get_json()["items"]] == [alice["id"]]
    assert phones.get_json()["items"] == []


def test_list_pages_follow_the_link_header(org):
    for key in ("alice", "bob", "carol"):
        org["store"].add_webexgo_device(_person(org, key))
    url, params, seen = "/v1/devices", {"type": "webexgo", "max": "2"}, []
    while url:
        response = org["client"].get(url, query_string=params, headers=_auth(org))
        seen += [d["personId"] for d in response.get_json()["items"]]
        link = response.headers.get("Link")
        url = link[1 : link.index(">")] if link else None
        params = None

    assert len(seen) == len(set(seen)) == 3


@pytest.mark.parametrize("query", [{"max": "0"}, {"max": "x"}, {"start": "-1"}])
def test_bad_paging_parameters_are_refused(org, query):
    response = org["client"].get("/v1/devices", query_string=query, headers=_auth(org))

    assert response.status_code == 400


def test_delete_answers_204_then_404(org):
    alice = _person(org, "alice")
    device = org["store"].add_webexgo_device(alice)
    url = f"/v1/devices/{device['id']}"

    first = org["client"].delete(url, headers=_auth(org))
    second = org["client"].delete(url, headers=_auth(org))

    assert (first.status_code, first.data) == (204, b"")
    assert second.status_code == 404
    assert second.get_json()["trackingId"].startswith("EMU_")
    assert org["client"].get(url, headers=_auth(org)).status_code == 404
    assert org["store"].person_devices(alice) == []


def test_set_state_changes_both_apis(org):
    alice = _person(org, "alice")
    device = org["store"].add_webexgo_device(alice)

    org["store"].set_state(
        device["id"], connection_status="connected", activation_state="ACTIVATED"
    )

    assert org["store"].device(device["id"])["connectionStatus"] == "connected"
    assert org["store"].person_devices(alice)[0]["activationState"] == "ACTIVATED"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer nope"}, 401),
        ("bot", 403),
        ("alice", 403),
        ("admin", 200),
    ],
)
def test_only_admins_may_call(org, headers, status):
    if isinstance(headers, str):
        headers = _auth(org, headers)

    assert org["client"].get("/v1/devices", headers=headers).status_code == status


def test_anyone_signed_in_is_an_admin_while_no_admin_was_added(org):
    store = DeviceStore()
    register_devices(org["client"].application, store)

    response = org["client"].get("/v1/devices", headers=_auth(org, "bot"))

    assert response.status_code == 200


def test_faults_injected_in_the_emulator_apply(org):
    org["emu"].fail_next("DELETE", r"^/v1/devices/", 503)

    response = org["client"].delete("/v1/devices/any", headers=_auth(org))

    assert response.status_code == 503
    assert org["emu"].requests_log[-1] == ("DELETE", "/v1/devices/any", 503)


def test_mounted_alone_its_own_tokens_are_admins():
    app = Flask("devices_alone")
    register_devices(app, DeviceStore(tokens=["admin-token"]))
    client = app.test_client()

    good = client.get("/v1/devices", headers={"Authorization": "Bearer admin-token"})
    bad = client.get("/v1/devices", headers={"Authorization": "Bearer other"})

    assert (good.status_code, bad.status_code) == (200, 401)
