"""The demo organisation."""

from emulator import Emulator, seed_demo


def test_seed_demo_people_and_admin_room():
    emu = Emulator()

    demo = seed_demo(emu)

    emails = {key: person["emails"][0] for key, person in demo["people"].items()}
    assert emails == {
        "bot": "gobot@webex.bot",
        "admin": "admin@example.com",
        "alice": "alice@example.com",
        "bob": "bob@example.com",
        "carol": "carol@example.com",
        "dan": "dan@example.com",
    }
    assert demo["people"]["bot"]["type"] == "bot"
    assert demo["people"]["admin"]["displayName"] == "Ada Admin"
    assert demo["admin_room"]["title"] == "Webex Go admins"
    assert demo["admin_room"]["type"] == "group"
    members = emu.directory.member_ids(demo["admin_room"]["id"])
    assert set(members) == {demo["people"]["admin"]["id"], demo["people"]["bot"]["id"]}
    assert (
        emu.authenticate(demo["tokens"]["alice"])["id"] == demo["people"]["alice"]["id"]
    )
